import { initBackend } from '../../src/main/core/learn/backend';

/** The backend the learning tests run on (wasm here; IMLAB_TF_BACKEND overrides). */
export const backendReady = initBackend();
