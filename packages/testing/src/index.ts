export {
  buildTestService,
  internalHeaders,
  signTestToken,
  startTestService,
  testEnvironment,
  testSecrets,
} from './service-harness.js';
export { commitsDuring, roundTripsDuring, statementsDuring, type SentStatement } from './commit-count.js';
export { createTestDatabase, type TestDatabase } from './test-database.js';
export {
  beforeTests,
  useAdminDatabase,
  useListeningTestService,
  useTestCluster,
  useTestDatabase,
  useTestFixture,
  useTestService,
} from './test-lifecycle.js';
export { startTestCluster, type TestCluster } from './test-cluster.js';
export { startFakeOpenAi, type ChatCompletionRequest, type FakeCallIds, type FakeDecision } from './fake-openai.js';
export { ScriptedChatModel, type ScriptedCall, type ScriptedTurn } from './scripted-model.js';
