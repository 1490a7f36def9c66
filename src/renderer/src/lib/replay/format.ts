/** The replay HUD's own formats; counts and returns use lib/format.ts. */
const threeDecimals = new Intl.NumberFormat('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });

export const formatReward = (x: number | null): string => (x === null ? '—' : threeDecimals.format(x));
export const formatSeconds = (s: number): string => `${s.toFixed(2)} s`;
