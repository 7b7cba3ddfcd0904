export { catalogFixture, fixtureProductNames, type FixtureProductName } from './catalog-fixture.js';
export { caseSchema, datasetSchema, loadDataset, type EvalCase } from './dataset-schema.js';
export { runEvals, type EvalReport, type RunOptions } from './runner.js';
export type { ShopTarget } from './shop-client.js';
