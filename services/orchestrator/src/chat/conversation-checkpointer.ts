import type { RunnableConfig } from '@langchain/core/runnables';
import type { Checkpoint, CheckpointMetadata, CheckpointTuple } from '@langchain/langgraph';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';

type Pool = ConstructorParameters<typeof PostgresSaver>[0];
type ChannelVersions = Checkpoint['channel_versions'];
type PendingWrite = [string, unknown];

/** `($3, $4, …)` placeholders for rows of values appended to `parameters`, the first `shared` of each row shared. */
function rowsOf(parameters: unknown[], shared: number, rows: unknown[][]) {
  return rows
    .map((row) => {
      const own = row.slice(shared).map((value) => `$${parameters.push(value)}`);
      return `(${[...Array.from({ length: shared }, (_, index) => `$${index + 1}`), ...own].join(', ')})`;
    })
    .join(', ');
}

/**
 * LangGraph's PostgreSQL saver with the same tables, rows and durability, at a lower cost per chat turn:
 * - a turn reads its thread's latest checkpoint to see whether a question is pending; the graph run that follows
 *   would read the same row again (and deserialize every message of the conversation again). Under the
 *   conversation's lease nothing writes the thread between the two, so the run is handed the turn's read instead;
 * - each step's checkpoint (its blobs and its row) and each task's writes are saved in one statement each, atomic as
 *   the saver's own transactions were, instead of BEGIN, one INSERT per row, COMMIT.
 */
export class ConversationCheckpointer extends PostgresSaver {
  readonly #reads = new Map<string, Promise<CheckpointTuple | undefined>>();
  readonly #tables: { checkpoints: string; blobs: string; writes: string };

  constructor(
    private readonly connections: Pool,
    schema: string,
  ) {
    super(connections, undefined, { schema });
    this.#tables = {
      checkpoints: `"${schema}".checkpoints`,
      blobs: `"${schema}".checkpoint_blobs`,
      writes: `"${schema}".checkpoint_writes`,
    };
  }

  /** The thread's latest checkpoint, kept for the next graph run on this thread (see `release`). */
  readLatest(threadId: string) {
    const read = super.getTuple({ configurable: { thread_id: threadId, checkpoint_ns: '' } });
    this.#reads.set(threadId, read);
    return read;
  }

  /** Forgets a kept read the run did not take (the turn failed before the graph started). */
  release(threadId: string) {
    this.#reads.delete(threadId);
  }

  override getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const { thread_id: threadId, checkpoint_ns: namespace, checkpoint_id: checkpointId } = config.configurable ?? {};
    const kept = this.#reads.get(threadId);
    if (!kept || checkpointId !== undefined || (namespace ?? '') !== '') return super.getTuple(config);
    this.#reads.delete(threadId);
    return kept;
  }

  override async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    if (config.configurable === undefined) throw new Error('Missing "configurable" field in "config" param');
    const { thread_id: threadId, checkpoint_ns: namespace = '', checkpoint_id: parentId } = config.configurable;
    const [blobs, serializedMetadata] = await Promise.all([
      this._dumpBlobs(threadId, namespace, checkpoint.channel_values, newVersions),
      this._dumpMetadata(metadata),
    ]);
    const parameters: unknown[] = [threadId, namespace];
    const checkpointRow = rowsOf(parameters, 2, [
      [threadId, namespace, checkpoint.id, parentId, this._dumpCheckpoint(checkpoint), serializedMetadata],
    ]);
    const blobsFirst = blobs.length
      ? `with blobs as (insert into ${this.#tables.blobs} (thread_id, checkpoint_ns, channel, version, type, blob)
           values ${rowsOf(parameters, 2, blobs)} on conflict (thread_id, checkpoint_ns, channel, version) do nothing) `
      : '';
    await this.connections.query(
      `${blobsFirst}insert into ${this.#tables.checkpoints}
         (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, checkpoint, metadata) values ${checkpointRow}
       on conflict (thread_id, checkpoint_ns, checkpoint_id)
       do update set checkpoint = excluded.checkpoint, metadata = excluded.metadata`,
      parameters,
    );
    return { configurable: { thread_id: threadId, checkpoint_ns: namespace, checkpoint_id: checkpoint.id } };
  }

  override async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string): Promise<void> {
    const { thread_id: threadId, checkpoint_ns: namespace, checkpoint_id: checkpointId } = config.configurable ?? {};
    const rows = await this._dumpWrites(threadId, namespace, checkpointId, taskId, writes);
    const indexes = rows.map((row) => row[4]);
    // The saver's rule: writes of special channels (negative indexes) replace earlier ones, others are kept once.
    // One statement cannot update a row twice: a repeated index keeps the saver's own row by row writes.
    if (rows.length === 0 || new Set(indexes).size < indexes.length) return super.putWrites(config, writes, taskId);
    const onConflict = indexes.every((index) => index < 0)
      ? 'do update set channel = excluded.channel, type = excluded.type, blob = excluded.blob'
      : 'do nothing';
    const parameters: unknown[] = [threadId, namespace ?? '', checkpointId, taskId];
    await this.connections.query(
      `insert into ${this.#tables.writes} (thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, blob)
       values ${rowsOf(parameters, 4, rows)}
       on conflict (thread_id, checkpoint_ns, checkpoint_id, task_id, idx) ${onConflict}`,
      parameters,
    );
  }
}
