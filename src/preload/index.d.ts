import type { Backend } from '../shared/api';

declare global {
  interface Window {
    /** Present when the renderer runs inside the Electron app. */
    imlab?: Backend;
  }
}
