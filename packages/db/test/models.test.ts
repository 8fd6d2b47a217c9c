import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/testing/test-database.ts';

let testDb: TestDatabase;
beforeAll(async () => { testDb = await createTestDatabase(); });
afterAll(async () => { await testDb.drop(); });

describe('generated client against the migrated database', () => {
  it('writes and reads every model', async () => {
    const { db } = testDb;
    const org = await db.organization.create({ data: { name: 'acme' } });
    const token = await db.apiToken.create({ data: { organizationId: org.id, name: 'ci', tokenHash: 'h'.repeat(64) } });
    const connection = await db.providerConnection.create({
      data: {
        organizationId: org.id, name: 'hetzner', kind: 'HETZNER', apiEndpoint: 'http://127.0.0.1:1/v1',
        tokenSealed: 'v1.k.iv.tag.ct', tokenKeyId: 'k', tokenHint: '…abcd', tokenFingerprint: 'f'.repeat(16),
      },
    });
    const node = await db.node.create({
      data: { organizationId: org.id, providerConnectionId: connection.id, name: 'web-1', serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04', sshKeyNames: ['me'], labels: { team: 'a' } },
    });
    await db.acquisitionEvent.create({ data: { nodeId: node.id, seq: 1, phase: 'QUEUED', kind: 'PHASE_ENTERED', message: 'queued' } });
    await db.auditEvent.create({ data: { organizationId: org.id, apiTokenId: token.id, action: 'node.create', targetType: 'Node', targetId: node.id, details: { name: 'web-1' } } });

    const read = await db.organization.findUniqueOrThrow({
      where: { id: org.id },
      include: { apiTokens: true, providerConnections: true, nodes: { include: { events: true } }, auditEvents: true },
    });
    expect(read.apiTokens.map((t) => t.name)).toEqual(['ci']);
    expect(read.providerConnections[0]?.credentialStatus).toBe('UNCHECKED');
    expect(read.nodes[0]?.phase).toBe('QUEUED');
    expect(read.nodes[0]?.sshKeyNames).toEqual(['me']);
    expect(read.nodes[0]?.labels).toEqual({ team: 'a' });
    expect(read.nodes[0]?.events.map((e) => e.seq)).toEqual([1]);
    expect(read.auditEvents[0]?.details).toEqual({ name: 'web-1' });
  });

  it('refuses a second event with the same seq and a second live node with the same name', async () => {
    const { db } = testDb;
    const node = await db.node.findFirstOrThrow({ where: { name: 'web-1' } });
    await expect(db.acquisitionEvent.create({ data: { nodeId: node.id, seq: 1, phase: 'QUEUED', kind: 'INFO', message: 'dup' } })).rejects.toThrow();
    await expect(db.node.create({
      data: { organizationId: node.organizationId, providerConnectionId: node.providerConnectionId, name: 'web-1', serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04' },
    })).rejects.toThrow();
    await db.node.update({ where: { id: node.id }, data: { phase: 'RELEASED' } });
    const reused = await db.node.create({
      data: { organizationId: node.organizationId, providerConnectionId: node.providerConnectionId, name: 'web-1', serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04' },
    });
    expect(reused.id).not.toBe(node.id);
  });
});
