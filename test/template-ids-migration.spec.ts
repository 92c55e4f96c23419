import mongoose from 'mongoose';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuplicateKeyError } from '../src/common/duplicate-key.error.js';
import { openMongo } from '../src/storage/mongo/mongo.driver.js';
import { MIGRATIONS, openDatabase } from '../src/storage/sqlite/database.js';
import { openSqlite } from '../src/storage/sqlite/sqlite.driver.js';
import type { StorageDriver } from '../src/storage/storage-driver.js';
import type { Template } from '../src/templates/template.model.js';
import { dropDatabase, mongoTestUri } from './support/mongo.js';
import { itWith } from './support/requirements.js';

const template = (orgId: number, name: string): Template => ({
  id: 'TMPL_OLD',
  orgId,
  name,
  description: '',
  createdAt: 1,
  lastModifiedTs: 1,
});

/** A template stored while ids were global is kept, changed by (org, id), and its id is free in other orgs. */
async function expectMigrated(s: StorageDriver, orgId: number, otherOrgId: number): Promise<void> {
  expect((await s.templates.all()).filter((t) => t.id === 'TMPL_OLD')).toEqual([template(orgId, 'Old')]);
  await expect(s.templates.create(template(orgId, 'again'))).rejects.toBeInstanceOf(DuplicateKeyError);
  await s.templates.create(template(otherOrgId, 'Theirs'));
  await s.templates.update({ ...template(orgId, 'Renamed') });
  const names = (await s.templates.all()).map((t) => `${t.orgId}:${t.name}`).sort();
  expect(names).toEqual([`${orgId}:Renamed`, `${otherOrgId}:Theirs`].sort());
  expect(await s.templates.delete(orgId, 'TMPL_OLD')).toBe(true);
  expect((await s.templates.all()).map((t) => t.orgId)).toEqual([otherOrgId]);
}

describe('template ids per organization: rows stored while ids were global', () => {
  it('sqlite: the migration keeps them, keyed by (org, id)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-tmpl-'));
    try {
      // The schema as it was: templates keyed by id alone (every migration before the one that rekeys them).
      const rekey = MIGRATIONS.findIndex((m) => m.includes('templates_by_org'));
      const db = openDatabase(join(dir, 'gateway.db'), rekey);
      db.exec(`INSERT INTO organizations (name, created_at) VALUES ('a', 1), ('b', 1);`);
      db.prepare('INSERT INTO templates (id, org_id, doc) VALUES (?, ?, ?)').run(
        'TMPL_OLD',
        1,
        JSON.stringify(template(1, 'Old')),
      );
      db.close();
      const s = openSqlite(dir);
      try {
        await expectMigrated(s, 1, 2);
      } finally {
        await s.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const uri = mongoTestUri('tmplmigrate');
  itWith(['mongo'], 'mongo: rows with a bare _id are given their id at start', async () => {
    try {
      // As stored before: `_id` the template id, no `id` field, no (orgId, id) index.
      const conn = await mongoose.createConnection(uri!, { serverSelectionTimeoutMS: 5000 }).asPromise();
      await conn.db!.collection('templates').insertOne({
        _id: 'TMPL_OLD' as never,
        orgId: 1,
        doc: template(1, 'Old'),
      });
      await conn.close();
      const s = await openMongo(uri!);
      try {
        await expectMigrated(s, 1, 2);
      } finally {
        await s.close();
      }
    } finally {
      await dropDatabase(uri!);
    }
  });
});
