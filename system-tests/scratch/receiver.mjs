import { createServer } from 'node:http';
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    console.log('POST', req.url, req.headers['content-type']);
    if (req.url === '/v1/traces') {
      const data = JSON.parse(body);
      for (const rs of data.resourceSpans) {
        const svc = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
        for (const ss of rs.scopeSpans) for (const s of ss.spans) console.log(svc, ss.scope.name, s.name, s.traceId, s.parentSpanId || '-');
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
server.listen(4399);
