/**
 * Raised when a loss or gradient stops being a finite number. The run fails
 * with a message naming the quantity; its last good checkpoint stays usable.
 */
export class NonFiniteError extends Error {
  constructor(readonly quantity: string) {
    super(`${quantity} is not finite (NaN or infinite)`);
    this.name = 'NonFiniteError';
  }
}

export function assertFinite(quantity: string, value: number): number {
  if (!Number.isFinite(value)) throw new NonFiniteError(quantity);
  return value;
}

export function assertAllFinite(quantity: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) throw new NonFiniteError(quantity);
}
