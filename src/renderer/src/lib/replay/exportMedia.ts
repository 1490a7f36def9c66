/** Saving what the viewer shows: a PNG of the canvas, a WebM of it playing. */

/** `draw` renders the current frame; the canvas is read in the same task, before the buffer is cleared. */
export function canvasPng(canvas: HTMLCanvasElement, draw: () => void): Promise<Blob> {
  draw();
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the canvas gave no image'))), 'image/png'));
}

// VP8 first: it encodes several times faster than VP9 in software, which matters while the page is also rendering.
const WEBM_TYPES = ['video/webm;codecs=vp8', 'video/webm;codecs=vp9', 'video/webm'];

export function webmSupported(): boolean {
  return typeof MediaRecorder !== 'undefined' && WEBM_TYPES.some((t) => MediaRecorder.isTypeSupported(t));
}

/**
 * Records the canvas while `play` runs (it resolves when the episode has been
 * played through at the chosen speed); returns the WebM. Frames are pushed on
 * each render (`onRender` receives the hook), not sampled on a timer: slow
 * software GL draws few frames a second, and a timed capture then gets none.
 */
export async function recordCanvas(canvas: HTMLCanvasElement, onRender: (hook: (() => void) | null) => void, play: () => Promise<void>): Promise<Blob> {
  const mimeType = WEBM_TYPES.find((t) => MediaRecorder.isTypeSupported(t));
  if (!mimeType) throw new Error('this browser cannot record WebM');
  const stream = canvas.captureStream(0);
  const track = stream.getVideoTracks()[0] as MediaStreamTrack & { requestFrame?: () => void };
  const recorder = new MediaRecorder(stream, { mimeType, videoBitsPerSecond: 6_000_000 });
  const chunks: Blob[] = [];
  recorder.ondataavailable = (e) => {
    if (e.data.size > 0) chunks.push(e.data);
  };
  const stopped = new Promise<void>((resolve) => (recorder.onstop = () => resolve()));
  recorder.start(250);
  onRender(() => track.requestFrame?.());
  try {
    await play();
    // The encoder lags the canvas; give the last frames time to arrive. On a
    // loaded machine it can lag by seconds, and stopping then drops them all.
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await sleep(500);
    for (let waited = 0; chunks.length === 0 && waited < ENCODER_PATIENCE_MS; waited += 250) {
      recorder.requestData();
      await sleep(250);
    }
  } finally {
    onRender(null);
    recorder.stop();
  }
  await stopped;
  // Only after the recorder has flushed: a stopped track drops what is still being encoded.
  stream.getTracks().forEach((t) => t.stop());
  if (chunks.length === 0) throw new Error('the recording captured no frames (the encoder gave no data); try again, or at a lower speed');
  return new Blob(chunks, { type: 'video/webm' });
}

const ENCODER_PATIENCE_MS = 15_000;
