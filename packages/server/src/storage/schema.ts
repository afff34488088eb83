/**
 * The tables, as Kysely sees them. Times are epoch milliseconds (BIGINT on PostgreSQL, INTEGER on SQLite),
 * flags are 0/1 and lists are JSON text, so one migration set and one set of queries serve both dialects.
 * Each feature's store owns the SQL for its tables; this file only describes them.
 */
export interface UserTable {
  id: string;
  email: string;
  username: string;
  password_hash: string | null;
  first_name: string;
  last_name: string;
  /** JSON array of global roles, e.g. ["user"] or ["admin","user"]. */
  roles: string;
  /** JSON object of free-form profile metadata. */
  metadata: string;
  last_workspace_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface SessionTable {
  /** Public id, shown in the session list. */
  id: string;
  /** SHA-256 of the cookie value: the raw value never touches the database. */
  token_hash: string;
  user_id: string;
  workspace_id: string | null;
  created_at: number;
  last_seen_at: number;
  /** Absolute end; the idle end is last_seen_at + idle_ttl_ms. */
  expires_at: number;
  idle_ttl_ms: number;
  user_agent: string | null;
  ip: string | null;
}

export interface SignInThrottleTable {
  /** `ip:<address or /64>` or `account:<normalised identifier>`. */
  key: string;
  hits: number;
  window_started_at: number;
  locked_until: number;
}

export interface SettingTable {
  key: string;
  /** JSON. */
  value: string;
  updated_at: number;
}

export interface WorkspaceTable {
  id: string;
  name: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface WorkspaceMemberTable {
  workspace_id: string;
  user_id: string;
  role: string;
  created_at: number;
}

export interface Database {
  users: UserTable;
  sessions: SessionTable;
  sign_in_throttles: SignInThrottleTable;
  settings: SettingTable;
  workspaces: WorkspaceTable;
  workspace_members: WorkspaceMemberTable;
}
