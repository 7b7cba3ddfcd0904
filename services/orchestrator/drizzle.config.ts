import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/database/schema.ts', './src/database/chat-schema.ts'],
  out: './drizzle',
  schemaFilter: ['orchestrator'],
});
