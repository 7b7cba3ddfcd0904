import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/database/schema.ts', './src/database/chat-schema.ts', './src/database/mcp-schema.ts'],
  out: './drizzle',
  schemaFilter: ['orchestrator'],
});
