/**
 * What jsdom lacks and the app asks for when it mounts, for every component
 * test: matchMedia (the theme reads the system setting) and ResizeObserver
 * (bind:clientHeight uses it; the runs table then assumes a screenful).
 */
globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
} as unknown as typeof ResizeObserver;
window.matchMedia ??= ((query: string) => ({ matches: false, media: query, addEventListener() {}, removeEventListener() {} })) as unknown as typeof window.matchMedia;
