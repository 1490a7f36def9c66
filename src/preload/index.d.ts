import type { Api } from '../shared/api';

declare global {
  interface Window {
    /** Present when the renderer runs inside the Electron app. */
    imlab?: Api;
  }
}
