/**
 * Demographic shape of the synthetic population: age pyramid, sex ratio and the population of
 * each of the 63 (pre-2025) provinces, plus calendar helpers.
 *
 * Sources (figures rounded; they set a realistic *shape*, not an official statistic):
 * - General Statistics Office of Viet Nam, "Completed results of the 2019 Viet Nam population
 *   and housing census" (Statistical Publishing House, 2020): population by province (table
 *   of 63 provinces, thousands, census day 1 April 2019, total 96.2 million), age structure by
 *   five-year group (0–14: 24.3 %, 15–64: 68.0 %, 65+: 7.7 %) and sex ratio 99.1 men per 100
 *   women. The five-year shares below are read from the published pyramid to ±0.2 points.
 *
 * Trade-off: one age shape for both sexes and all provinces (no provincial or sex-specific
 * pyramids) — cheap to sample, and blocking/matching quality depends on name and birth-year
 * collisions nationally, which this shape reproduces. Ages are shifted to a register snapshot
 * taken at the end of {@link REFERENCE_YEAR}: age a ⇒ birth year REFERENCE_YEAR − a, ages
 * 0–99, the 80+ group spread over 80–99 with a declining tail.
 */

/** Birth years are REFERENCE_YEAR − age; the register is a snapshot at the end of this year. */
export const REFERENCE_YEAR = 2025;
/** Oldest age generated (inclusive). */
export const MAX_AGE = 99;
/** Share of men (2019 census: 99.1 men per 100 women ⇒ 99.1 / 199.1). */
export const MALE_SHARE = 0.4977;

/** Percent of the population per five-year age group 0–4 … 75–79, then 80+ (2019 census). */
const AGE_GROUP_PERCENT = [8.2, 8.4, 7.3, 6.6, 6.9, 8.2, 8.3, 7.7, 7.1, 6.5, 5.8, 5.0, 3.9, 2.8, 1.6, 1.1, 2.0];
/** How the 80+ group spreads over 80–84, 85–89, 90–94, 95–99 (declining tail, assumption). */
const OLDEST_SPLIT = [0.5, 0.3, 0.15, 0.05];

/** Weight of each age 0..MAX_AGE (uniform inside a five-year group). Index = age. */
export function ageWeights(): Float64Array {
  const w = new Float64Array(MAX_AGE + 1);
  for (let age = 0; age <= MAX_AGE; age++) {
    const g = Math.floor(age / 5);
    w[age] = g < 16 ? AGE_GROUP_PERCENT[g] / 5 : (AGE_GROUP_PERCENT[16] * OLDEST_SPLIT[g - 16]) / 5;
  }
  return w;
}

/**
 * Population at the 2019 census in thousands, by GSO province code (the 63-province table).
 * Used as the weight of the province of birth registration (the CCCD prefix).
 */
export const PROVINCE_POPULATION_2019: Readonly<Record<string, number>> = {
  '01': 8054, '02': 854, '04': 530, '06': 314, '08': 785, '10': 731, '11': 599, '12': 461,
  '14': 1249, '15': 822, '17': 855, '19': 1287, '20': 782, '22': 1321, '24': 1804, '25': 1464,
  '26': 1152, '27': 1369, '30': 1893, '31': 2029, '33': 1253, '34': 1861, '35': 853, '36': 1781,
  '37': 983, '38': 3641, '40': 3327, '42': 1289, '44': 896, '45': 633, '46': 1129, '48': 1135,
  '49': 1496, '51': 1232, '52': 1487, '54': 873, '56': 1232, '58': 591, '60': 1231, '62': 541,
  '64': 1514, '66': 1870, '67': 623, '68': 1297, '70': 995, '72': 1169, '74': 2456, '75': 3097,
  '77': 1148, '79': 8993, '80': 1689, '82': 1765, '83': 1289, '84': 1010, '86': 1023, '87': 1600,
  '89': 1909, '91': 1724, '92': 1236, '93': 734, '94': 1200, '95': 908, '96': 1194,
};

const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInYear(y: number): number {
  return isLeapYear(y) ? 366 : 365;
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return DAYS_BEFORE_MONTH[m] - DAYS_BEFORE_MONTH[m - 1];
}

/**
 * Month (1–12) and day (1–31) of the 0-based day `doy` of year `y`, packed as month·100 + day
 * (no object per call).
 */
export function monthDayOf(y: number, doy: number): number {
  const leap = isLeapYear(y) ? 1 : 0;
  for (let m = 1; m <= 12; m++) {
    const end = DAYS_BEFORE_MONTH[m] + (m >= 2 ? leap : 0);
    if (doy < end) {
      const start = DAYS_BEFORE_MONTH[m - 1] + (m - 1 >= 2 ? leap : 0);
      return m * 100 + (doy - start + 1);
    }
  }
  return 1231;
}

/** Two-digit, zero-padded decimal (0 ≤ n < 100). */
export function pad2(n: number): string {
  return n < 10 ? '0' + n : '' + n;
}

/** "dd/mm/yyyy", the form Vietnamese registers print. */
export function formatDmy(y: number, m: number, d: number): string {
  return pad2(d) + '/' + pad2(m) + '/' + y;
}

/** 0-based day of the year of (y, m, d). */
export function dayOfYear(y: number, m: number, d: number): number {
  return DAYS_BEFORE_MONTH[m - 1] + (m > 2 && isLeapYear(y) ? 1 : 0) + d - 1;
}
