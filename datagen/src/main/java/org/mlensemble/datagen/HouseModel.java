package org.mlensemble.datagen;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The house model behind {@link HousePricingGenerator}: the column layout, the neighbourhoods, the weighted
 * code tables and the {@link Sampler} that draws one house at a time as a small causal story.
 */
final class HouseModel {

    static final String[] COLUMNS = {
        "Id", "MSSubClass", "MSZoning", "LotFrontage", "LotArea", "Street", "Alley", "LotShape",
        "LandContour", "Utilities", "LotConfig", "LandSlope", "Neighborhood", "Condition1", "Condition2",
        "BldgType", "HouseStyle", "OverallQual", "OverallCond", "YearBuilt", "YearRemodAdd", "RoofStyle",
        "RoofMatl", "Exterior1st", "Exterior2nd", "MasVnrType", "MasVnrArea", "ExterQual", "ExterCond",
        "Foundation", "BsmtQual", "BsmtCond", "BsmtExposure", "BsmtFinType1", "BsmtFinSF1", "BsmtFinType2",
        "BsmtFinSF2", "BsmtUnfSF", "TotalBsmtSF", "Heating", "HeatingQC", "CentralAir", "Electrical",
        "1stFlrSF", "2ndFlrSF", "LowQualFinSF", "GrLivArea", "BsmtFullBath", "BsmtHalfBath", "FullBath",
        "HalfBath", "BedroomAbvGr", "KitchenAbvGr", "KitchenQual", "TotRmsAbvGrd", "Functional",
        "Fireplaces", "FireplaceQu", "GarageType", "GarageYrBlt", "GarageFinish", "GarageCars", "GarageArea",
        "GarageQual", "GarageCond", "PavedDrive", "WoodDeckSF", "OpenPorchSF", "EnclosedPorch", "3SsnPorch",
        "ScreenPorch", "PoolArea", "PoolQC", "Fence", "MiscFeature", "MiscVal", "MoSold", "YrSold",
        "SaleType", "SaleCondition", "SalePrice",
    };

    /** Columns whose values are text codes. MSSubClass is a code too, but the file spells it as a number. */
    static final Set<String> CATEGORICAL = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
        "MSZoning", "Street", "Alley", "LotShape", "LandContour", "Utilities", "LotConfig", "LandSlope",
        "Neighborhood", "Condition1", "Condition2", "BldgType", "HouseStyle", "RoofStyle", "RoofMatl",
        "Exterior1st", "Exterior2nd", "MasVnrType", "ExterQual", "ExterCond", "Foundation", "BsmtQual",
        "BsmtCond", "BsmtExposure", "BsmtFinType1", "BsmtFinType2", "Heating", "HeatingQC", "CentralAir",
        "Electrical", "KitchenQual", "Functional", "FireplaceQu", "GarageType", "GarageFinish", "GarageQual",
        "GarageCond", "PavedDrive", "PoolQC", "Fence", "MiscFeature", "SaleType", "SaleCondition")));

    /**
     * Numeric columns that can be missing. The Ames predict example came out of a dataframe, where such
     * columns turn into floats; writing them as decimals in the JSON keeps our example in that same shape.
     */
    static final Set<String> NULLABLE_NUMERIC = Set.of("LotFrontage", "MasVnrArea", "GarageYrBlt");

    static final Map<String, Integer> INDEX = new HashMap<>();

    static {
        for (int i = 0; i < COLUMNS.length; i++) {
            INDEX.put(COLUMNS[i], i);
        }
    }

    private HouseModel() {
    }

    /** Kind of area a neighbourhood is; it steers zoning, alleys and dwelling types. */
    private enum Profile { SUBURB, CORE, VILLAGE, TOWNHOMES }

    /**
     * A neighbourhood: how common it is, its price level (log multiplier), when it was mostly built, and how
     * far its build quality leans from the town average.
     */
    private record Hood(String code, double weight, double level, double eraMean, double eraSd,
                        double qualityTilt, Profile profile) {
    }

    private static final Hood[] HOODS = {
        new Hood("NAmes", 15.4, -0.03, 1961, 8, -0.4, Profile.SUBURB),
        new Hood("CollgCr", 10.3, 0.03, 1994, 9, 0.6, Profile.SUBURB),
        new Hood("OldTown", 7.7, -0.10, 1920, 18, -0.8, Profile.CORE),
        new Hood("Edwards", 6.8, -0.12, 1955, 14, -0.7, Profile.SUBURB),
        new Hood("Somerst", 5.9, 0.07, 2003, 4, 1.0, Profile.VILLAGE),
        new Hood("Gilbert", 5.4, 0.00, 1998, 6, 0.4, Profile.SUBURB),
        new Hood("NridgHt", 5.3, 0.16, 2005, 3, 2.0, Profile.SUBURB),
        new Hood("Sawyer", 5.1, -0.06, 1963, 8, -0.5, Profile.SUBURB),
        new Hood("NWAmes", 5.0, 0.02, 1974, 6, 0.2, Profile.SUBURB),
        new Hood("SawyerW", 4.0, 0.00, 1984, 15, 0.3, Profile.SUBURB),
        new Hood("BrkSide", 4.0, -0.08, 1930, 12, -0.7, Profile.CORE),
        new Hood("Crawfor", 3.5, 0.07, 1942, 24, 0.3, Profile.SUBURB),
        new Hood("Mitchel", 3.4, -0.02, 1975, 12, -0.2, Profile.SUBURB),
        new Hood("NoRidge", 2.8, 0.14, 1995, 4, 1.7, Profile.SUBURB),
        new Hood("Timber", 2.6, 0.08, 1994, 12, 0.9, Profile.SUBURB),
        new Hood("IDOTRR", 2.5, -0.18, 1925, 15, -1.2, Profile.CORE),
        new Hood("ClearCr", 1.9, 0.06, 1969, 15, 0.3, Profile.SUBURB),
        new Hood("StoneBr", 1.7, 0.18, 1998, 8, 1.8, Profile.SUBURB),
        new Hood("SWISU", 1.7, -0.05, 1925, 10, -0.4, Profile.CORE),
        new Hood("MeadowV", 1.2, -0.20, 1972, 3, -1.3, Profile.TOWNHOMES),
        new Hood("Blmngtn", 1.2, 0.03, 2005, 2, 1.0, Profile.TOWNHOMES),
        new Hood("BrDale", 1.1, -0.16, 1971, 1, -0.8, Profile.TOWNHOMES),
        new Hood("Veenker", 0.8, 0.10, 1978, 10, 0.8, Profile.SUBURB),
        new Hood("NPkVill", 0.6, -0.02, 1977, 2, -0.2, Profile.TOWNHOMES),
        new Hood("Blueste", 0.15, -0.04, 1980, 5, 0.0, Profile.TOWNHOMES),
    };

    /**
     * Direct log-price effect of {@code OverallQual} 1..10, on top of what quality already buys through size,
     * grades and neighbourhood. Convex on purpose: the step from 8 to 10 is worth far more than from 4 to 6,
     * which rewards models that can bend.
     */
    private static final double[] QUALITY_EFFECT = {0, -0.30, -0.25, -0.19, -0.12, -0.06, 0, 0.07, 0.16,
        0.28, 0.42};

    /** Log-price at the reference house (quality 6, 1500 sq ft, 1000 sq ft basement, two-car garage). */
    private static final double BASE_LOG_PRICE = StrictMath.log(176_000);
    private static final double NOISE_SD = 0.15;

    /** A weighted set of codes; weights need not sum to anything in particular. */
    private static final class Choice {
        private final Object[] codes;
        private final double[] cumulative;

        private Choice(Object... codeWeightPairs) {
            codes = new Object[codeWeightPairs.length / 2];
            cumulative = new double[codes.length];
            double total = 0;
            for (int i = 0; i < codes.length; i++) {
                codes[i] = codeWeightPairs[2 * i];
                total += ((Number) codeWeightPairs[2 * i + 1]).doubleValue();
                cumulative[i] = total;
            }
        }

        Object pick(Sampler s) {
            double u = s.uniform() * cumulative[cumulative.length - 1];
            for (int i = 0; i < cumulative.length; i++) {
                if (u < cumulative[i]) {
                    return codes[i];
                }
            }
            return codes[codes.length - 1];
        }

        String pickText(Sampler s) {
            return (String) pick(s);
        }

        int pickInt(Sampler s) {
            return (Integer) pick(s);
        }
    }

    private static final double[] HOOD_CUMULATIVE;

    static {
        HOOD_CUMULATIVE = new double[HOODS.length];
        double total = 0;
        for (int i = 0; i < HOODS.length; i++) {
            total += HOODS[i].weight();
            HOOD_CUMULATIVE[i] = total;
        }
    }

    private static final Choice ZONING_SUBURB = new Choice("RL", 95.0, "RM", 3.5, "RH", 1.0, "FV", 0.5);
    private static final Choice ZONING_CORE = new Choice("RM", 58.0, "RL", 30.0, "C (all)", 6.5, "RH", 5.5);
    private static final Choice ZONING_VILLAGE = new Choice("FV", 70.0, "RL", 25.0, "RM", 5.0);
    private static final Choice ZONING_TOWNHOMES = new Choice("RM", 55.0, "RL", 30.0, "FV", 10.0, "RH", 5.0);

    private static final Choice SUBCLASS_OLD = new Choice(50, 30.0, 70, 22.0, 30, 16.0, 190, 10.0, 75, 6.0,
        45, 5.0, 90, 3.0, 40, 2.0);
    private static final Choice SUBCLASS_NEW = new Choice(20, 52.0, 60, 25.0, 120, 7.0, 80, 6.0, 160, 4.5,
        90, 4.0, 85, 2.2, 50, 1.5, 180, 0.7, 190, 1.0, 150, 0.1);
    private static final Choice SUBCLASS_TOWNHOMES = new Choice(160, 42.0, 120, 35.0, 180, 10.0, 20, 7.0,
        60, 5.0, 150, 1.0);

    private static final Choice STYLE_75 = new Choice("2.5Unf", 55.0, "2.5Fin", 30.0, "2Story", 15.0);
    private static final Choice STYLE_90 = new Choice("1Story", 60.0, "2Story", 20.0, "SFoyer", 10.0,
        "SLvl", 10.0);
    private static final Choice STYLE_180 = new Choice("SLvl", 50.0, "SFoyer", 50.0);
    private static final Choice STYLE_190 = new Choice("2Story", 40.0, "1.5Fin", 40.0, "1Story", 20.0);
    private static final Choice TOWNHOUSE = new Choice("TwnhsE", 72.0, "Twnhs", 28.0);

    private static final Choice LOT_SHAPE = new Choice("Reg", 63.0, "IR1", 33.0, "IR2", 3.0, "IR3", 0.7);
    private static final Choice LAND_CONTOUR = new Choice("Lvl", 90.0, "Bnk", 4.3, "HLS", 3.4, "Low", 2.5);
    private static final Choice LOT_CONFIG = new Choice("Inside", 72.0, "Corner", 18.0, "CulDSac", 6.4,
        "FR2", 3.2, "FR3", 0.3);
    private static final Choice LAND_SLOPE = new Choice("Gtl", 94.7, "Mod", 4.4, "Sev", 0.9);
    private static final Choice CONDITION1 = new Choice("Norm", 86.3, "Feedr", 5.5, "Artery", 3.3, "RRAn", 1.8,
        "PosN", 1.3, "RRAe", 0.75, "PosA", 0.55, "RRNn", 0.35, "RRNe", 0.14);
    private static final Choice CONDITION2_OFF_NORM = new Choice("Feedr", 40.0, "Artery", 15.0, "RRNn", 13.0,
        "PosN", 13.0, "PosA", 7.0, "RRAn", 6.0, "RRAe", 6.0);
    private static final Choice ROOF_STYLE = new Choice("Gable", 78.0, "Hip", 19.6, "Flat", 0.9,
        "Gambrel", 0.75, "Mansard", 0.5, "Shed", 0.15);
    private static final Choice ROOF_MATL = new Choice("CompShg", 98.2, "Tar&Grv", 0.75, "WdShngl", 0.4,
        "WdShake", 0.35, "Metal", 0.07, "Membran", 0.07, "Roll", 0.07, "ClyTile", 0.07);

    private static final Choice EXTERIOR_NEW = new Choice("VinylSd", 70.0, "CemntBd", 8.0, "HdBoard", 8.0,
        "MetalSd", 5.0, "Wd Sdng", 3.0, "Plywood", 2.0, "BrkFace", 2.0, "Stucco", 1.0, "Stone", 0.3,
        "ImStucc", 0.2);
    private static final Choice EXTERIOR_MID = new Choice("HdBoard", 22.0, "MetalSd", 20.0, "VinylSd", 18.0,
        "Wd Sdng", 17.0, "Plywood", 12.0, "BrkFace", 4.0, "AsbShng", 2.0, "WdShing", 2.0, "Stucco", 1.5,
        "CemntBd", 1.0, "CBlock", 0.1, "BrkComm", 0.1, "AsphShn", 0.1);
    private static final Choice EXTERIOR_OLD = new Choice("Wd Sdng", 32.0, "MetalSd", 22.0, "VinylSd", 15.0,
        "AsbShng", 8.0, "WdShing", 8.0, "Stucco", 5.0, "BrkFace", 5.0, "HdBoard", 2.0, "Plywood", 2.0,
        "BrkComm", 0.5, "Stone", 0.3, "AsphShn", 0.2);
    private static final Choice EXTERIOR2_OTHER = new Choice("Plywood", 20.0, "Wd Shng", 15.0, "VinylSd", 12.0,
        "MetalSd", 10.0, "HdBoard", 10.0, "Wd Sdng", 8.0, "BrkFace", 7.0, "ImStucc", 6.0, "Stucco", 5.0,
        "Brk Cmn", 3.0, "CmentBd", 2.0, "Stone", 1.5, "AsphShn", 1.0, "AsbShng", 1.0, "Other", 0.4,
        "CBlock", 0.3);

    private static final Choice VENEER_FINE = new Choice("None", 30.0, "BrkFace", 45.0, "Stone", 24.0,
        "BrkCmn", 1.0);
    private static final Choice VENEER_PLAIN = new Choice("None", 65.0, "BrkFace", 29.0, "Stone", 4.5,
        "BrkCmn", 1.3);

    private static final Choice FOUNDATION_PRE1920 = new Choice("BrkTil", 55.0, "CBlock", 25.0, "Stone", 10.0,
        "PConc", 10.0);
    private static final Choice FOUNDATION_PRE1946 = new Choice("BrkTil", 45.0, "CBlock", 40.0, "PConc", 14.0,
        "Stone", 1.0);
    private static final Choice FOUNDATION_PRE1980 = new Choice("CBlock", 80.0, "PConc", 15.0, "Slab", 4.0,
        "BrkTil", 1.0);
    private static final Choice FOUNDATION_RECENT = new Choice("PConc", 81.0, "CBlock", 16.0, "Slab", 2.5,
        "Wood", 0.5);

    private static final Choice BSMT_FIN_FINE = new Choice("GLQ", 55.0, "Unf", 30.0, "ALQ", 7.0, "BLQ", 4.0,
        "Rec", 3.0, "LwQ", 1.0);
    private static final Choice BSMT_FIN_PLAIN = new Choice("Unf", 28.0, "ALQ", 19.0, "GLQ", 15.0, "BLQ", 13.0,
        "Rec", 15.0, "LwQ", 8.0);
    private static final Choice BSMT_FIN2 = new Choice("Rec", 28.0, "LwQ", 24.0, "BLQ", 18.0, "ALQ", 10.0,
        "GLQ", 8.0);
    private static final Choice BSMT_EXPOSURE = new Choice("No", 67.0, "Av", 15.5, "Gd", 9.5, "Mn", 8.0);
    private static final Choice PLAIN_CONDITION = new Choice("TA", 90.0, "Gd", 5.0, "Fa", 3.5, "Po", 0.2);

    private static final Choice HEATING = new Choice("GasA", 97.8, "GasW", 1.2, "Grav", 0.5, "Wall", 0.3,
        "OthW", 0.15, "Floor", 0.07);
    private static final Choice ELECTRICAL_OLD = new Choice("SBrkr", 66.0, "FuseA", 25.0, "FuseF", 7.0,
        "FuseP", 1.5, "Mix", 0.3);
    private static final Choice FUNCTIONAL = new Choice("Typ", 93.0, "Min2", 2.3, "Min1", 2.1, "Mod", 1.0,
        "Maj1", 1.0, "Maj2", 0.35, "Sev", 0.07);

    private static final Choice GARAGE_NEW = new Choice("Attchd", 76.0, "BuiltIn", 14.0, "Detchd", 7.0,
        "Basment", 1.0, "2Types", 0.6, "CarPort", 0.4);
    private static final Choice GARAGE_MID = new Choice("Attchd", 65.0, "Detchd", 28.0, "Basment", 3.0,
        "BuiltIn", 2.0, "CarPort", 1.0, "2Types", 1.0);
    private static final Choice GARAGE_OLD = new Choice("Detchd", 75.0, "Attchd", 18.0, "CarPort", 3.0,
        "Basment", 2.0, "2Types", 2.0);
    private static final Choice GARAGE_GRADE = new Choice("TA", 92.0, "Fa", 5.0, "Gd", 1.5, "Po", 0.5,
        "Ex", 0.2);

    private static final Choice EXTER_COND = new Choice("TA", 88.0, "Gd", 10.0, "Fa", 2.0, "Ex", 0.2,
        "Po", 0.07);
    private static final Choice PAVED_DRIVE = new Choice("Y", 94.0, "N", 4.0, "P", 2.0);
    private static final Choice POOL_QC = new Choice("Gd", 40.0, "Ex", 30.0, "Fa", 30.0);
    private static final Choice FENCE = new Choice("MnPrv", 55.0, "GdPrv", 21.0, "GdWo", 19.0, "MnWw", 4.0);
    private static final Choice MISC_FEATURE = new Choice("Shed", 90.0, "Gar2", 4.0, "Othr", 4.0, "TenC", 2.0);
    private static final Choice ALLEY = new Choice("Grvl", 55.0, "Pave", 45.0);

    private static final Choice MONTH = new Choice(1, 4.0, 2, 3.6, 3, 7.3, 4, 9.7, 5, 14.0, 6, 17.3, 7, 16.0,
        8, 8.4, 9, 4.1, 10, 6.0, 11, 5.0, 12, 4.0);
    private static final Choice MONTH_FIRST_HALF = new Choice(1, 4.0, 2, 3.6, 3, 7.3, 4, 9.7, 5, 14.0,
        6, 17.3, 7, 16.0);
    private static final Choice YEAR_SOLD = new Choice(2006, 22.0, 2007, 22.0, 2008, 21.0, 2009, 23.0,
        2010, 12.0);
    private static final Choice SALE_TYPE = new Choice("WD", 93.0, "COD", 3.2, "ConLD", 0.7, "ConLI", 0.4,
        "ConLw", 0.4, "CWD", 0.3, "Oth", 0.25, "Con", 0.15);
    private static final Choice SALE_CONDITION = new Choice("Normal", 89.0, "Abnorml", 6.5, "Family", 1.5,
        "Alloca", 0.9, "AdjLand", 0.3);

    /** Draws houses one at a time from a single random stream. */
    static final class Sampler {
        private final SplittableRandom random;
        private boolean haveSpareGaussian;
        private double spareGaussian;
        private final Object[] row = new Object[COLUMNS.length];
        private int assigned;

        Sampler(SplittableRandom random) {
            this.random = random;
        }

        /** Uniform in [0, 1), built from nextLong only so the stream never depends on JDK helper methods. */
        double uniform() {
            return (random.nextLong() >>> 11) * 0x1.0p-53;
        }

        double uniform(double from, double to) {
            return from + (to - from) * uniform();
        }

        boolean chance(double p) {
            return uniform() < p;
        }

        /** Standard normal by Box-Muller with StrictMath, for reproducibility across JVMs. */
        double gaussian() {
            if (haveSpareGaussian) {
                haveSpareGaussian = false;
                return spareGaussian;
            }
            double u1 = 1.0 - uniform();
            double u2 = uniform();
            double radius = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
            double angle = 2.0 * StrictMath.PI * u2;
            spareGaussian = radius * StrictMath.sin(angle);
            haveSpareGaussian = true;
            return radius * StrictMath.cos(angle);
        }

        double normal(double mean, double sd) {
            return mean + sd * gaussian();
        }

        /** Log-normal with the given median, for skewed sizes such as lot and porch areas. */
        double logNormal(double median, double logSd) {
            return median * StrictMath.exp(logSd * gaussian());
        }

        Hood hood() {
            double u = uniform() * HOOD_CUMULATIVE[HOOD_CUMULATIVE.length - 1];
            for (int i = 0; i < HOODS.length; i++) {
                if (u < HOOD_CUMULATIVE[i]) {
                    return HOODS[i];
                }
            }
            return HOODS[HOODS.length - 1];
        }

        private void put(String column, Object value) {
            Integer i = INDEX.get(column);
            if (i == null) {
                throw new IllegalStateException("not a column: " + column);
            }
            if (row[i] != UNSET) {
                throw new IllegalStateException("column set twice: " + column);
            }
            row[i] = value;
            assigned++;
        }

        Object[] house(int id) {
            Arrays.fill(row, UNSET);
            assigned = 0;
            put("Id", id);
            drawHouse();
            if (assigned != COLUMNS.length) {
                throw new IllegalStateException("only " + assigned + " of " + COLUMNS.length + " columns drawn");
            }
            return row;
        }

        // The draw order below is part of the output format: reordering it changes every file for a seed.
        private void drawHouse() {
            double logPrice = BASE_LOG_PRICE;

            // --- when and where -------------------------------------------------------------------------
            int yrSold = YEAR_SOLD.pickInt(this);
            // The source period ends mid-2010, so late-2010 sales do not exist.
            int moSold = yrSold == 2010 ? MONTH_FIRST_HALF.pickInt(this) : MONTH.pickInt(this);
            Hood hood = hood();
            logPrice += hood.level();

            int yearBuilt = (int) StrictMath.round(normal(hood.eraMean(), hood.eraSd()));
            yearBuilt = clamp(yearBuilt, 1872, yrSold);
            int age = yrSold - yearBuilt;

            String zoning = switch (hood.profile()) {
                case CORE -> ZONING_CORE.pickText(this);
                case VILLAGE -> ZONING_VILLAGE.pickText(this);
                case TOWNHOMES -> ZONING_TOWNHOMES.pickText(this);
                default -> ZONING_SUBURB.pickText(this);
            };
            logPrice += switch (zoning) {
                case "C (all)" -> -0.30;
                case "RM", "RH" -> -0.06;
                case "FV" -> 0.04;
                default -> 0.0;
            };

            int quality = clamp((int) StrictMath.round(
                normal(5.75 + hood.qualityTilt() + 0.010 * (yearBuilt - 1970), 0.85)), 1, 10);
            logPrice += QUALITY_EFFECT[quality];

            // Remodel year: the source records the build year, or 1950 for anything older, when nothing
            // was done; we keep that convention.
            int yearRemod = StrictMath.max(yearBuilt, 1950);
            boolean remodelled = false;
            int earliestRemodel = StrictMath.max(yearBuilt + 5, 1950);
            if (earliestRemodel <= yrSold && chance(StrictMath.min(0.65, age / 70.0))) {
                yearRemod = earliestRemodel + (int) (uniform() * (yrSold - earliestRemodel + 1));
                remodelled = true;
            }
            int sinceRemodel = yrSold - yearRemod;
            // Age hurts, but a remodel buys part of it back; very old houses stop losing value.
            double effectiveAge = remodelled ? 0.5 * age + 0.5 * sinceRemodel : age;
            logPrice -= 0.0025 * StrictMath.min(effectiveAge, 90);
            boolean freshRemodel = remodelled && sinceRemodel <= 12;
            if (freshRemodel) {
                logPrice += 0.04;
            }

            int condition;
            if (age < 8) {
                condition = chance(0.9) ? 5 : 6;
            } else {
                condition = clamp((int) StrictMath.round(normal(5.7 + (remodelled ? 0.5 : 0.0), 1.0)), 1, 9);
            }
            logPrice += 0.035 * (condition - 5);

            // --- kind of dwelling ------------------------------------------------------------------------
            int subclass;
            if (hood.profile() == Profile.TOWNHOMES && yearBuilt >= 1946) {
                subclass = SUBCLASS_TOWNHOMES.pickInt(this);
            } else if (yearBuilt < 1946) {
                subclass = SUBCLASS_OLD.pickInt(this);
            } else {
                subclass = SUBCLASS_NEW.pickInt(this);
            }
            String style = switch (subclass) {
                case 45 -> "1.5Unf";
                case 50, 150 -> "1.5Fin";
                case 60, 70, 160 -> "2Story";
                case 75 -> STYLE_75.pickText(this);
                case 80 -> "SLvl";
                case 85 -> "SFoyer";
                case 90 -> STYLE_90.pickText(this);
                case 180 -> STYLE_180.pickText(this);
                case 190 -> STYLE_190.pickText(this);
                default -> "1Story";
            };
            String bldgType = switch (subclass) {
                case 90 -> "Duplex";
                case 190 -> "2fmCon";
                case 120, 150, 160, 180 -> TOWNHOUSE.pickText(this);
                default -> "1Fam";
            };
            boolean attachedUnit = bldgType.startsWith("Twnhs");
            boolean twoUnits = bldgType.equals("Duplex") || bldgType.equals("2fmCon");
            if (twoUnits) {
                logPrice -= 0.10;
            }

            // --- lot -------------------------------------------------------------------------------------
            String lotConfig = LOT_CONFIG.pickText(this);
            double lotMedian = (attachedUnit ? 3000 : twoUnits ? 9000 : 9600) * StrictMath.exp(0.08 * (quality - 6));
            double lot = chance(0.006) ? uniform(35_000, 200_000) : logNormal(lotMedian, 0.33);
            int lotArea = clamp((int) StrictMath.round(lot), 1300, 215_000);
            logPrice += 0.10 * StrictMath.log(lotArea / 9600.0);
            double frontageShape = lotConfig.equals("CulDSac") ? uniform(0.35, 0.6) : uniform(0.55, 0.85);
            Integer lotFrontage = clamp((int) StrictMath.round(StrictMath.sqrt(lotArea) * frontageShape), 21, 313);
            if (chance(0.17)) {
                lotFrontage = null;
            }

            String street = chance(0.004) ? "Grvl" : "Pave";
            double alleyChance = switch (hood.profile()) {
                case CORE -> 0.35;
                case VILLAGE -> 0.06;
                default -> 0.015;
            };
            String alley = chance(alleyChance) ? ALLEY.pickText(this) : null;
            String lotShape = LOT_SHAPE.pickText(this);
            String landContour = LAND_CONTOUR.pickText(this);
            String utilities = chance(0.0007) ? "NoSeWa" : "AllPub";
            String landSlope = LAND_SLOPE.pickText(this);
            if (!landSlope.equals("Gtl")) {
                logPrice += 0.02;
            }
            String condition1 = CONDITION1.pickText(this);
            String condition2 = condition1.equals("Norm") || !chance(0.08)
                ? "Norm" : CONDITION2_OFF_NORM.pickText(this);
            logPrice += nearbyEffect(condition1) + 0.5 * nearbyEffect(condition2);

            // --- shell and materials ---------------------------------------------------------------------
            String roofStyle = ROOF_STYLE.pickText(this);
            String roofMatl = ROOF_MATL.pickText(this);
            String exterior1 = (yearBuilt >= 1990 ? EXTERIOR_NEW : yearBuilt >= 1946 ? EXTERIOR_MID : EXTERIOR_OLD)
                .pickText(this);
            // The second cladding usually repeats the first, under the source's own alternate spellings.
            String exterior2 = chance(0.86) ? secondCladdingSpelling(exterior1) : EXTERIOR2_OTHER.pickText(this);

            String veneer = null;
            Integer veneerArea = null;
            if (!chance(0.0055)) {
                veneer = (quality >= 8 ? VENEER_FINE : VENEER_PLAIN).pickText(this);
                veneerArea = veneer.equals("None") ? 0
                    : clamp((int) StrictMath.round(logNormal(170 + 20 * (quality - 6), 0.6)), 10, 1600);
                if (veneer.equals("Stone")) {
                    logPrice += 0.03;
                }
            }

            String exterQual = grade(quality + (yearBuilt > 2000 ? 0.4 : 0.0) + normal(0, 0.6), 9.0, 6.8, 2.6, -9);
            logPrice += gradeEffect(exterQual, 0.08, 0.03, -0.06);
            String exterCond = EXTER_COND.pickText(this);
            if (age > 60 && exterCond.equals("TA") && chance(0.05)) {
                exterCond = "Fa";
            }

            String foundation = (yearBuilt < 1920 ? FOUNDATION_PRE1920 : yearBuilt < 1946 ? FOUNDATION_PRE1946
                : yearBuilt < 1980 ? FOUNDATION_PRE1980 : FOUNDATION_RECENT).pickText(this);

            // --- living area -----------------------------------------------------------------------------
            double styleSize = switch (style) {
                case "2Story" -> 0.20;
                case "2.5Fin", "2.5Unf" -> 0.28;
                case "1.5Fin" -> 0.06;
                case "SFoyer" -> -0.14;
                case "SLvl" -> 0.0;
                default -> -0.04;
            };
            if (attachedUnit) {
                styleSize -= 0.15;
            } else if (twoUnits) {
                styleSize += 0.18;
            }
            int grLivArea = clamp((int) StrictMath.round(
                logNormal(1420 * StrictMath.exp(0.10 * (quality - 6) + styleSize), 0.20)), 480, 5600);
            logPrice += 0.45 * StrictMath.log(grLivArea / 1500.0);

            int lowQualFin = 0;
            if (chance(style.equals("1.5Unf") ? 0.4 : yearBuilt < 1946 ? 0.04 : 0.008)) {
                lowQualFin = StrictMath.min((int) uniform(50, 520), grLivArea / 3);
            }
            double upperShare = switch (style) {
                case "2Story" -> uniform(0.40, 0.52);
                case "2.5Fin", "2.5Unf" -> uniform(0.40, 0.50);
                case "1.5Fin" -> uniform(0.25, 0.40);
                case "SLvl" -> chance(0.3) ? uniform(0.2, 0.35) : 0.0;
                default -> 0.0;
            };
            int secondFlr = (int) StrictMath.round((grLivArea - lowQualFin) * upperShare);
            int firstFlr = grLivArea - lowQualFin - secondFlr;

            // --- basement --------------------------------------------------------------------------------
            boolean hasBasement = !foundation.equals("Slab") && !chance(0.008);
            String bsmtQual = null;
            String bsmtCond = null;
            String bsmtExposure = null;
            String bsmtFinType1 = null;
            String bsmtFinType2 = null;
            int bsmtFin1 = 0;
            int bsmtFin2 = 0;
            int bsmtUnf = 0;
            int totalBsmt = 0;
            int bsmtFullBath = 0;
            int bsmtHalfBath = 0;
            if (hasBasement) {
                totalBsmt = StrictMath.max(100, (int) StrictMath.round(firstFlr * uniform(0.78, 1.05)));
                bsmtQual = grade(quality + (yearBuilt > 2000 ? 0.7 : 0.0) + normal(0, 0.8), 8.5, 6.2, 3.3, -9);
                bsmtCond = PLAIN_CONDITION.pickText(this);
                bsmtExposure = BSMT_EXPOSURE.pickText(this);
                bsmtFinType1 = (quality >= 7 && yearBuilt >= 1980 ? BSMT_FIN_FINE : BSMT_FIN_PLAIN).pickText(this);
                if (!bsmtFinType1.equals("Unf")) {
                    bsmtFin1 = (int) StrictMath.round(totalBsmt * uniform(0.3, 1.0));
                }
                bsmtFinType2 = "Unf";
                if (bsmtFin1 < totalBsmt && !bsmtFinType1.equals("Unf") && chance(0.14)) {
                    bsmtFinType2 = BSMT_FIN2.pickText(this);
                    bsmtFin2 = (int) StrictMath.round((totalBsmt - bsmtFin1) * uniform(0.3, 1.0));
                }
                bsmtUnf = totalBsmt - bsmtFin1 - bsmtFin2;
                double finishedShare = (bsmtFin1 + bsmtFin2) / (double) totalBsmt;
                bsmtFullBath = chance(finishedShare > 0.3 ? 0.6 : 0.05) ? (chance(0.02) ? 2 : 1) : 0;
                bsmtHalfBath = chance(0.055) ? 1 : 0;
                logPrice += 0.00013 * (totalBsmt - 1000) + 0.05 * finishedShare;
                logPrice += gradeEffect(bsmtQual, 0.06, 0.02, -0.04);
            } else {
                logPrice -= 0.10;
            }

            // --- services --------------------------------------------------------------------------------
            String heating = HEATING.pickText(this);
            boolean modern = yearBuilt >= 1980 || freshRemodel;
            String heatingQc = modern ? (chance(0.85) ? "Ex" : "Gd")
                : grade(condition + normal(0, 1.0), 7.0, 6.0, 3.5, 1.5);
            boolean oldUnupdated = yearBuilt < 1950 && !remodelled;
            String centralAir = chance(oldUnupdated ? 0.3 : yearBuilt < 1970 ? 0.04 : 0.005) ? "N" : "Y";
            if (centralAir.equals("N")) {
                logPrice -= 0.08;
            }
            String electrical = chance(0.0007) ? null
                : yearBuilt < 1960 && !freshRemodel ? ELECTRICAL_OLD.pickText(this) : "SBrkr";

            // --- rooms -----------------------------------------------------------------------------------
            int fullBath = chance(0.004) ? 0
                : clamp((int) StrictMath.round(0.35 + grLivArea / 1000.0 + normal(0, 0.3)), 1, 3);
            double halfBathChance = style.startsWith("2") ? 0.62 : 0.25;
            int halfBath = chance(halfBathChance) ? (chance(0.02) ? 2 : 1) : 0;
            logPrice += 0.03 * (fullBath - 2) + 0.02 * halfBath;
            int bedrooms = chance(0.004) ? 0
                : clamp((int) StrictMath.round(0.4 + grLivArea / 560.0 + normal(0, 0.45)), 1, 8);
            int kitchens = twoUnits ? (chance(0.85) ? 2 : 1) : chance(0.001) ? 3 : 1;
            String kitchenQual = grade(quality - 0.2 + (freshRemodel ? 1.0 : 0.0) + normal(0, 0.75), 8.4, 6.4, 3.3, -9);
            logPrice += gradeEffect(kitchenQual, 0.08, 0.03, -0.06);
            int totalRooms = clamp(bedrooms + kitchens + (int) StrictMath.round(grLivArea / 1000.0 + normal(0.6, 0.6)),
                2, 14);
            String functional = FUNCTIONAL.pickText(this);
            logPrice += switch (functional) {
                case "Min1", "Min2" -> -0.03;
                case "Mod" -> -0.07;
                case "Maj1" -> -0.12;
                case "Maj2" -> -0.25;
                case "Sev" -> -0.35;
                default -> 0.0;
            };

            double fireplaceOdds = 0.0 + 0.5 * (quality - 6) + 1.2 * StrictMath.log(grLivArea / 1500.0);
            int fireplaces = 0;
            if (uniform() < 1.0 / (1.0 + StrictMath.exp(-fireplaceOdds))) {
                fireplaces = chance(0.09) ? (chance(0.05) ? 3 : 2) : 1;
            }
            String fireplaceQu = fireplaces == 0 ? null
                : grade(quality - 0.5 + normal(0, 1.0), 8.8, 6.0, 4.0, 2.8);
            logPrice += 0.04 * StrictMath.min(fireplaces, 2);

            // --- garage ----------------------------------------------------------------------------------
            double noGarageChance = 0.03 + (quality <= 4 ? 0.12 : 0.0) + (yearBuilt < 1940 ? 0.06 : 0.0);
            String garageType = null;
            Integer garageYrBlt = null;
            String garageFinish = null;
            String garageQual = null;
            String garageCond = null;
            int garageCars = 0;
            int garageArea = 0;
            if (!chance(noGarageChance)) {
                garageType = (yearBuilt >= 1980 ? GARAGE_NEW : yearBuilt >= 1940 ? GARAGE_MID : GARAGE_OLD)
                    .pickText(this);
                boolean separate = garageType.equals("Detchd") || garageType.equals("CarPort")
                    || garageType.equals("2Types");
                int built = StrictMath.max(yearBuilt, 1900 + (int) (uniform() * 40));
                if (separate && yearBuilt < 1950 && chance(0.5)) {
                    // Garages of old houses were often added decades later.
                    built = built + (int) (uniform() * (yrSold - built + 1));
                } else if (yearBuilt >= 1900) {
                    built = yearBuilt;
                }
                garageYrBlt = StrictMath.min(built, yrSold);
                garageCars = clamp((int) StrictMath.round(1.45 + 0.28 * (quality - 5)
                    + (yearBuilt >= 1990 ? 0.35 : 0.0) + StrictMath.log(grLivArea / 1500.0) + normal(0, 0.45)), 1, 4);
                garageArea = StrictMath.max(160, (int) StrictMath.round(garageCars * uniform(225, 285)
                    + normal(0, 35)));
                if (separate) {
                    garageFinish = chance(0.8) ? "Unf" : "RFn";
                } else {
                    double finishScore = quality + (yearBuilt >= 1990 ? 0.8 : 0.0) + normal(0, 1.0);
                    garageFinish = finishScore >= 7.6 ? "Fin" : finishScore >= 6.0 ? "RFn" : "Unf";
                }
                garageQual = GARAGE_GRADE.pickText(this);
                garageCond = GARAGE_GRADE.pickText(this);
                logPrice += 0.06 * (garageCars - 2) + 0.00020 * (garageArea - 250.0 * garageCars);
                if (garageFinish.equals("Fin")) {
                    logPrice += 0.02;
                }
            } else {
                logPrice -= 0.10;
            }

            String pavedDrive = yearBuilt < 1946 && chance(0.10) ? "N" : PAVED_DRIVE.pickText(this);

            // --- outdoors --------------------------------------------------------------------------------
            int woodDeck = chance(0.48) ? clamp((int) StrictMath.round(logNormal(150, 0.55)), 12, 860) : 0;
            int openPorch = chance(0.55) ? clamp((int) StrictMath.round(logNormal(50, 0.7)), 4, 550) : 0;
            int enclosedPorch = chance(yearBuilt < 1946 ? 0.45 : 0.05)
                ? clamp((int) StrictMath.round(logNormal(140, 0.5)), 20, 560) : 0;
            int threeSeason = chance(0.016) ? clamp((int) StrictMath.round(logNormal(180, 0.4)), 20, 510) : 0;
            int screenPorch = chance(0.08) ? clamp((int) StrictMath.round(logNormal(170, 0.4)), 40, 480) : 0;
            logPrice += 0.00012 * (woodDeck + openPorch + screenPorch);

            int poolArea = 0;
            String poolQc = null;
            if (chance(0.005)) {
                poolArea = (int) uniform(480, 740);
                poolQc = POOL_QC.pickText(this);
                logPrice += 0.04;
            }
            String fence = chance(0.19) ? FENCE.pickText(this) : null;
            String miscFeature = null;
            int miscVal = 0;
            if (chance(0.037)) {
                miscFeature = MISC_FEATURE.pickText(this);
                miscVal = switch (miscFeature) {
                    case "Gar2" -> 50 * (int) uniform(160, 300);
                    case "TenC" -> 2000;
                    case "Othr" -> 50 * (int) uniform(0, 70);
                    default -> 50 * (int) uniform(8, 50);
                };
            }

            // --- sale ------------------------------------------------------------------------------------
            String saleType;
            String saleCondition;
            if (chance(age <= 1 ? 0.9 : age == 2 ? 0.3 : 0.0)) {
                saleType = "New";
                saleCondition = "Partial";
                logPrice += 0.04;
            } else {
                saleType = SALE_TYPE.pickText(this);
                saleCondition = saleType.equals("COD") && chance(0.6) ? "Abnorml" : SALE_CONDITION.pickText(this);
            }
            logPrice += switch (saleCondition) {
                case "Abnorml" -> -0.10;
                case "Family" -> -0.08;
                case "AdjLand" -> -0.15;
                case "Alloca" -> -0.05;
                default -> 0.0;
            };
            // The market softened after 2007.
            logPrice -= yrSold >= 2008 ? 0.02 : 0.0;

            double noise = normal(0, NOISE_SD);
            if (chance(0.02)) {
                // A few sales far off the model: private deals, unseen defects.
                noise += normal(0, 0.30);
            }
            double price = StrictMath.exp(logPrice + noise);
            int step = chance(0.6) ? 500 : 100;
            long salePrice = StrictMath.max(30_000L, StrictMath.round(price / step) * step);

            put("MSSubClass", subclass);
            put("MSZoning", zoning);
            put("LotFrontage", lotFrontage);
            put("LotArea", lotArea);
            put("Street", street);
            put("Alley", alley);
            put("LotShape", lotShape);
            put("LandContour", landContour);
            put("Utilities", utilities);
            put("LotConfig", lotConfig);
            put("LandSlope", landSlope);
            put("Neighborhood", hood.code());
            put("Condition1", condition1);
            put("Condition2", condition2);
            put("BldgType", bldgType);
            put("HouseStyle", style);
            put("OverallQual", quality);
            put("OverallCond", condition);
            put("YearBuilt", yearBuilt);
            put("YearRemodAdd", yearRemod);
            put("RoofStyle", roofStyle);
            put("RoofMatl", roofMatl);
            put("Exterior1st", exterior1);
            put("Exterior2nd", exterior2);
            put("MasVnrType", veneer);
            put("MasVnrArea", veneerArea);
            put("ExterQual", exterQual);
            put("ExterCond", exterCond);
            put("Foundation", foundation);
            put("BsmtQual", bsmtQual);
            put("BsmtCond", bsmtCond);
            put("BsmtExposure", bsmtExposure);
            put("BsmtFinType1", bsmtFinType1);
            put("BsmtFinSF1", bsmtFin1);
            put("BsmtFinType2", bsmtFinType2);
            put("BsmtFinSF2", bsmtFin2);
            put("BsmtUnfSF", bsmtUnf);
            put("TotalBsmtSF", totalBsmt);
            put("Heating", heating);
            put("HeatingQC", heatingQc);
            put("CentralAir", centralAir);
            put("Electrical", electrical);
            put("1stFlrSF", firstFlr);
            put("2ndFlrSF", secondFlr);
            put("LowQualFinSF", lowQualFin);
            put("GrLivArea", grLivArea);
            put("BsmtFullBath", bsmtFullBath);
            put("BsmtHalfBath", bsmtHalfBath);
            put("FullBath", fullBath);
            put("HalfBath", halfBath);
            put("BedroomAbvGr", bedrooms);
            put("KitchenAbvGr", kitchens);
            put("KitchenQual", kitchenQual);
            put("TotRmsAbvGrd", totalRooms);
            put("Functional", functional);
            put("Fireplaces", fireplaces);
            put("FireplaceQu", fireplaceQu);
            put("GarageType", garageType);
            put("GarageYrBlt", garageYrBlt);
            put("GarageFinish", garageFinish);
            put("GarageCars", garageCars);
            put("GarageArea", garageArea);
            put("GarageQual", garageQual);
            put("GarageCond", garageCond);
            put("PavedDrive", pavedDrive);
            put("WoodDeckSF", woodDeck);
            put("OpenPorchSF", openPorch);
            put("EnclosedPorch", enclosedPorch);
            put("3SsnPorch", threeSeason);
            put("ScreenPorch", screenPorch);
            put("PoolArea", poolArea);
            put("PoolQC", poolQc);
            put("Fence", fence);
            put("MiscFeature", miscFeature);
            put("MiscVal", miscVal);
            put("MoSold", moSold);
            put("YrSold", yrSold);
            put("SaleType", saleType);
            put("SaleCondition", saleCondition);
            put("SalePrice", salePrice);
        }
    }

    private static final Object UNSET = new Object();

    private static int clamp(int value, int min, int max) {
        return StrictMath.max(min, StrictMath.min(max, value));
    }

    /** Maps a latent score onto the five-step Ex/Gd/TA/Fa/Po scale; a threshold of -9 disables that step. */
    private static String grade(double score, double ex, double gd, double ta, double fa) {
        if (score >= ex) {
            return "Ex";
        }
        if (score >= gd) {
            return "Gd";
        }
        if (score >= ta) {
            return "TA";
        }
        if (score >= fa) {
            return "Fa";
        }
        return fa <= -9 ? "Fa" : "Po";
    }

    private static double gradeEffect(String grade, double ex, double gd, double below) {
        return switch (grade) {
            case "Ex" -> ex;
            case "Gd" -> gd;
            case "TA" -> 0.0;
            default -> below;
        };
    }

    /** Busy roads and railways next door cost a little; a park or green belt adds a little. */
    private static double nearbyEffect(String condition) {
        return switch (condition) {
            case "Artery" -> -0.08;
            case "Feedr" -> -0.04;
            case "RRAn", "RRAe", "RRNn", "RRNe" -> -0.04;
            case "PosN", "PosA" -> 0.05;
            default -> 0.0;
        };
    }

    private static String secondCladdingSpelling(String first) {
        return switch (first) {
            case "CemntBd" -> "CmentBd";
            case "WdShing" -> "Wd Shng";
            case "BrkComm" -> "Brk Cmn";
            default -> first;
        };
    }
}
