export { decodeTraceExport, spanKind, startTraceReceiver, type ReceivedSpan, type TraceReceiver } from './trace-receiver.js';
export { startTracedServices, type TracedCluster, type TracedClusterOptions, type TracedService } from './traced-services.js';
