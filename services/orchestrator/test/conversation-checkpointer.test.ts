import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AIMessage, HumanMessage, type BaseMessage } from '@langchain/core/messages';
import {
  Command,
  interrupt,
  MessagesAnnotation,
  START,
  StateGraph,
  type BaseCheckpointSaver,
} from '@langchain/langgraph';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import { createDatabase } from '@ecomm/platform';
import { useTestFixture } from '@ecomm/testing';
import { ConversationCheckpointer } from '../src/chat/conversation-checkpointer.js';

// The orchestrator's checkpointer against LangGraph's own PostgresSaver on the same tables: what one saves the other
// reads, a turn costs one read, and each step's checkpoint and each task's writes one statement.

const connection = useTestFixture(
  async (database) => {
    const started = createDatabase({ url: database.urlFor('orchestrator') });
    await new PostgresSaver(started.pool, undefined, { schema: 'orchestrator' }).setup();
    return started;
  },
  (started) => started.close(),
);

/** Two steps per turn (so messages are saved more than once), a question on "pay" that pauses the thread. */
const graphOn = (checkpointer: BaseCheckpointSaver) =>
  new StateGraph(MessagesAnnotation)
    .addNode('agent', async (state) => {
      const said = String(state.messages.at(-1)?.content);
      if (said !== 'pay') return { messages: [new AIMessage(`heard: ${said}`)] };
      const answer = interrupt({ question: 'Pay $5?' }) as string;
      return { messages: [new AIMessage(`paid after "${answer}"`)] };
    })
    .addNode('closer', async () => ({ messages: [new AIMessage('anything else?')] }))
    .addEdge(START, 'agent')
    .addEdge('agent', 'closer')
    .compile({ checkpointer });

const config = (threadId: string) => ({ configurable: { thread_id: threadId } });
const contents = (messages: BaseMessage[]) => messages.map((message) => String(message.content));

/** Counts what reaches PostgreSQL from the pool: single statements, and clients taken for a transaction. */
function countingPool() {
  const { pool } = connection;
  const counts = { statements: 0, reads: 0, transactions: 0 };
  const query = pool.query.bind(pool);
  const connect = pool.connect.bind(pool);
  const counting = Object.assign(Object.create(pool) as typeof pool, {
    query: (...args: Parameters<typeof pool.query>) => {
      counts.statements++;
      if (String(args[0]).trimStart().startsWith('select')) counts.reads++;
      return query(...args);
    },
    connect: () => (counts.transactions++, connect()),
  });
  return { pool: counting, counts };
}

test('what it saves LangGraph reads back, a pending question included, and the answer resumes the run', async () => {
  const threadId = `thread-${Math.random()}`;
  const ours = graphOn(new ConversationCheckpointer(connection.pool, 'orchestrator'));
  const theirs = graphOn(new PostgresSaver(connection.pool, undefined, { schema: 'orchestrator' }));
  await ours.invoke({ messages: [new HumanMessage('hello')] }, config(threadId));
  await ours.invoke({ messages: [new HumanMessage('pay')] }, config(threadId));

  const paused = await theirs.getState(config(threadId));
  assert.deepEqual(contents(paused.values.messages), ['hello', 'heard: hello', 'anything else?', 'pay']);
  assert.deepEqual(
    paused.tasks.flatMap((task) => task.interrupts.map((each) => each.value)),
    [{ question: 'Pay $5?' }],
  );
  const resumed = await theirs.invoke(new Command({ resume: 'yes' }), config(threadId));
  assert.deepEqual(contents(resumed.messages).slice(-2), ['paid after "yes"', 'anything else?']);
});

test('a turn reads the thread once: the read it made is handed to the graph run, then forgotten', async () => {
  const threadId = `thread-${Math.random()}`;
  const { pool, counts } = countingPool();
  const checkpointer = new ConversationCheckpointer(pool, 'orchestrator');
  const graph = graphOn(checkpointer);
  await graph.invoke({ messages: [new HumanMessage('hello')] }, config(threadId));

  counts.reads = 0;
  const latest = await checkpointer.readLatest(threadId);
  assert.deepEqual(contents(latest!.checkpoint.channel_values.messages as BaseMessage[]), [
    'hello',
    'heard: hello',
    'anything else?',
  ]);
  const { messages } = await graph.invoke({ messages: [new HumanMessage('again')] }, config(threadId));
  assert.equal(messages.length, 6, 'the run continued from the read it was handed');
  assert.equal(counts.reads, 1);

  counts.reads = 0;
  await checkpointer.readLatest(threadId);
  checkpointer.release(threadId);
  await graph.invoke({ messages: [new HumanMessage('once more')] }, config(threadId));
  assert.equal(counts.reads, 2, 'a released read is not reused');
});

test('each checkpoint and each task writes go in one statement, with no transaction around them', async () => {
  const { pool, counts } = countingPool();
  const graph = graphOn(new ConversationCheckpointer(pool, 'orchestrator'));
  const threadId = `thread-${Math.random()}`;
  await graph.invoke({ messages: [new HumanMessage('hello')] }, config(threadId));
  const rows = await connection.pool.query(
    `select (select count(*)::int from orchestrator.checkpoints where thread_id = $1) as checkpoints,
            (select count(distinct (checkpoint_id, task_id))::int from orchestrator.checkpoint_writes where thread_id = $1)
              as tasks`,
    [threadId],
  );
  const { checkpoints, tasks } = rows.rows[0] as { checkpoints: number; tasks: number };
  assert.ok(checkpoints >= 3 && tasks >= 2, `${checkpoints} checkpoints, ${tasks} tasks' writes`);
  assert.equal(counts.statements, 1 + checkpoints + tasks, 'the first read, then one statement per save');
  assert.equal(counts.transactions, 0);
});
