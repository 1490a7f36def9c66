/**
 * The one clock of a replay page: every view shows frame `frame` (shorter
 * episodes hold their last). Real time: one frame lasts dt / speed seconds.
 */
export const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 4] as const;

export class Playback {
  frame = $state(0);
  playing = $state(false);
  speed = $state(1);
  loop = $state(true);
  /** Frames of the longest episode shown. */
  frames = $state(1);
  dt = $state(0.01);
  /** Simulated seconds into the episode, kept fractional between frames while playing. */
  private time = 0;
  private last: number | null = null;

  get lastFrame(): number {
    return Math.max(0, this.frames - 1);
  }

  setup(frames: number, dt: number): void {
    this.playing = false;
    this.frames = frames;
    this.dt = dt;
    this.seek(0);
  }

  seek(f: number): void {
    this.frame = Math.min(this.lastFrame, Math.max(0, Math.round(f)));
    this.time = this.frame * this.dt;
  }

  step(by: number): void {
    this.playing = false;
    this.seek(this.frame + by);
  }

  toggle(): void {
    if (!this.playing && this.frame >= this.lastFrame) this.seek(0);
    this.playing = !this.playing;
    this.last = null;
  }

  /** Advances by the real time since the previous tick; call once per animation frame. */
  tick(nowMs: number): void {
    if (!this.playing) {
      this.last = null;
      return;
    }
    if (this.last !== null) this.time += ((nowMs - this.last) / 1000) * this.speed;
    this.last = nowMs;
    let f = Math.floor(this.time / this.dt + 1e-9);
    if (f > this.lastFrame) {
      if (this.loop && this.lastFrame > 0) {
        this.time %= this.frames * this.dt;
        f = Math.floor(this.time / this.dt);
      } else {
        f = this.lastFrame;
        this.playing = false;
      }
    }
    if (f !== this.frame) this.frame = f;
  }
}
