// Node entry of the package: the same API, with the wasm compiled and instantiated
// synchronously from the package folder on import (no fetch of file URLs in Node).
import { readFileSync } from 'node:fs';
import { initSync } from './insightflow.js';

initSync({ module: readFileSync(new URL('./insightflow_bg.wasm', import.meta.url)) });

export * from './insightflow.js';
/** Already initialised on import; kept so `await init()` works the same everywhere. */
export default async function init() {}
