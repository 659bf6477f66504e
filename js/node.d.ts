export * from './insightflow.js';
/** Already initialised on import in Node; kept so `await init()` works everywhere. */
export default function init(): Promise<void>;
