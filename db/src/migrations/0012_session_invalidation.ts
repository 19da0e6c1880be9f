// Session cache invalidation (issue 21): every change that can end a session or change what its
// user may do sends a NOTIFY on `sb_session_invalidate`, from triggers, so it is part of the
// changing transaction (delivered at commit, never for a rollback) and no code path, operator SQL
// included, can forget it. Each API process keeps a short-lived cache of sessions and drops
// entries on these notifications (plugins/core/src/services/session-cache.ts). Payloads:
//   s:<session id>   that session ended or its expiry moved earlier
//   u:<user id>      the user changed (deactivation, password, name) or their roles did
//   *                drop everything (a role's permissions changed, or a bulk change)
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION sb_sessions_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- The hourly clean-up deletes expired sessions, which no cache serves: one flush, not a
      -- notification per row.
      IF (SELECT count(*) FROM old_rows) > 100 THEN
        PERFORM pg_notify('sb_session_invalidate', '*');
      ELSE
        PERFORM pg_notify('sb_session_invalidate', 's:' || id) FROM old_rows;
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER sessions_deleted_notify AFTER DELETE ON sessions
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_sessions_deleted();

    -- The sliding expiry moves expires_at later once a minute: not an invalidation (a cache that
    -- holds the older expiry asks the database again when it passes).
    CREATE FUNCTION sb_sessions_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('sb_session_invalidate', 's:' || o.id)
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE n.expires_at < o.expires_at OR n.user_id <> o.user_id OR n.tenant_id <> o.tenant_id OR n.csrf_token <> o.csrf_token;
      RETURN NULL;
    END $$;
    CREATE TRIGGER sessions_updated_notify AFTER UPDATE ON sessions
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_sessions_updated();

    CREATE FUNCTION sb_users_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('sb_session_invalidate', 'u:' || id) FROM new_rows;
      RETURN NULL;
    END $$;
    CREATE TRIGGER users_updated_notify AFTER UPDATE ON users
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_users_updated();

    CREATE FUNCTION sb_user_roles_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('sb_session_invalidate', 'u:' || user_id) FROM changed_rows;
      RETURN NULL;
    END $$;
    CREATE TRIGGER user_roles_inserted_notify AFTER INSERT ON user_roles
      REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_user_roles_changed();
    CREATE TRIGGER user_roles_deleted_notify AFTER DELETE ON user_roles
      REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_user_roles_changed();
    CREATE TRIGGER user_roles_updated_notify AFTER UPDATE ON user_roles
      REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_user_roles_changed();

    CREATE FUNCTION sb_roles_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('sb_session_invalidate', '*');
      RETURN NULL;
    END $$;
    CREATE TRIGGER roles_changed_notify AFTER UPDATE OR DELETE ON roles
      FOR EACH STATEMENT EXECUTE FUNCTION sb_roles_changed();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER roles_changed_notify ON roles;
    DROP TRIGGER user_roles_updated_notify ON user_roles;
    DROP TRIGGER user_roles_deleted_notify ON user_roles;
    DROP TRIGGER user_roles_inserted_notify ON user_roles;
    DROP TRIGGER users_updated_notify ON users;
    DROP TRIGGER sessions_updated_notify ON sessions;
    DROP TRIGGER sessions_deleted_notify ON sessions;
    DROP FUNCTION sb_roles_changed();
    DROP FUNCTION sb_user_roles_changed();
    DROP FUNCTION sb_users_updated();
    DROP FUNCTION sb_sessions_updated();
    DROP FUNCTION sb_sessions_deleted();
  `.execute(db);
}
