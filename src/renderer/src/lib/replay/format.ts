/** Number formats of the replay's HUD and labels (UI.md: separators, returns with one decimal). */
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const threeDecimals = new Intl.NumberFormat('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export const formatReturn = (x: number): string => oneDecimal.format(x);
export const formatReward = (x: number | null): string => (x === null ? '—' : threeDecimals.format(x));
export const formatCount = (x: number): string => integer.format(x);
export const formatSeconds = (s: number): string => `${s.toFixed(2)} s`;
