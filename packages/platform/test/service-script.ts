/**
 * A script that runs a service with no database through runService, as a server.ts runs one, on a free port: for
 * `node --import tsx --input-type=module -e`, run from this package's folder.
 */
export const serviceScript = (name: string) => `
  const platform = await import(${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)});
  await platform.runService({
    name: ${JSON.stringify(name)},
    configSchema: platform.baseConfigSchema.extend({ PORT: platform.portSchema(0) }),
    buildApp: async (config) => platform.createServiceApp({ service: ${JSON.stringify(name)}, config }),
  });
`;
