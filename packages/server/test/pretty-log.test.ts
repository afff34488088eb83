import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { prettyStream } from '../src/lifecycle/pretty-log.js';
import { startTestServer } from './support/server.js';

describe('GATEHOUSE_LOG_FORMAT=pretty', () => {
  it('writes one readable line per request, redacted as the JSON line is', async () => {
    const lines: string[] = [];
    const server = await startTestServer({
      logStream: prettyStream({ write: (line) => void lines.push(line) }),
    });
    try {
      await fetch(`${server.url}/api/me?api_key=secret-in-the-url`);
    } finally {
      await server.close();
    }
    const request = lines.filter((line) => line.includes('GET /api/me'));
    expect(request).toHaveLength(1);
    expect(request[0]).toMatch(/^\d\d:\d\d:\d\d INFO {2}GET \/api\/me\?api_key=\S+ 401 [\d.]+ms\n$/);
    expect(request[0]).not.toContain('secret-in-the-url');
  });

  it('is a setting: auto (pretty on a terminal), pretty or json', () => {
    expect(loadConfig({}).logFormat).toBe('auto');
    expect(loadConfig({ GATEHOUSE_LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(() => loadConfig({ GATEHOUSE_LOG_FORMAT: 'xml' })).toThrowError(/^GATEHOUSE_LOG_FORMAT: /);
  });
});
