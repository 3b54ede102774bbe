//! Accounts: users, their API tokens (stored only as SHA-256 hashes) and
//! role grants.
//!
//! Grants are scoped: `study = None` means node-wide (used for node admins
//! and node auditors); a `data_owner` grant always names a study and a site.
//! Deciding what each role may do is the caller's business.

use std::fmt;
use std::str::FromStr;

use rusqlite::{OptionalExtension, Row, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use crate::error::{Result, StoreError};
use crate::studies::require_study;
use crate::{Store, check_name, check_study_id, check_text, now, random_hex};

/// A role a user can be granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages the node: users, tokens, grants, studies.
    Admin,
    /// Uploads and manages a site's datasets for a study.
    DataOwner,
    /// Submits analyses on a study.
    Researcher,
    /// Reads the audit log.
    Auditor,
}

impl Role {
    /// All roles.
    pub const ALL: [Role; 4] = [
        Role::Admin,
        Role::DataOwner,
        Role::Researcher,
        Role::Auditor,
    ];

    /// The role's stable name: `admin`, `data_owner`, `researcher`, `auditor`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::DataOwner => "data_owner",
            Role::Researcher => "researcher",
            Role::Auditor => "auditor",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| StoreError::invalid("role", format!("unknown role {s:?}")))
    }
}

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Login name: 1..=64 characters of `[a-z0-9_.@-]`.
    pub name: String,
    /// Display name.
    pub display_name: String,
    /// Creation time, RFC 3339 UTC.
    pub created_at: String,
    /// A disabled user cannot authenticate.
    pub disabled: bool,
}

/// Metadata of an API token (the token and its hash are never returned).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    /// Random id, 16 lower-case hex characters.
    pub id: String,
    /// Owner.
    pub user: String,
    /// Free-text label.
    pub label: String,
    /// Creation time, RFC 3339 UTC.
    pub created_at: String,
    /// A revoked token cannot authenticate.
    pub revoked: bool,
}

/// A role granted to a user, optionally scoped to a study (and site).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RoleGrant {
    /// Grantee.
    pub user: String,
    /// Granted role.
    pub role: Role,
    /// Study scope; `None` = node-wide.
    pub study: Option<String>,
    /// Site scope; only for [`Role::DataOwner`], where it is required.
    pub site: Option<String>,
}

const USER_COLUMNS: &str = "name, display_name, created_at, disabled";
const TOKEN_COLUMNS: &str = "id, user, label, created_at, revoked";

fn user_from_row(r: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        name: r.get(0)?,
        display_name: r.get(1)?,
        created_at: r.get(2)?,
        disabled: r.get(3)?,
    })
}

fn token_from_row(r: &Row<'_>) -> rusqlite::Result<TokenInfo> {
    Ok(TokenInfo {
        id: r.get(0)?,
        user: r.get(1)?,
        label: r.get(2)?,
        created_at: r.get(3)?,
        revoked: r.get(4)?,
    })
}

fn check_user_name(name: &str) -> Result<()> {
    check_name(
        "user name",
        name,
        64,
        |c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.@-".contains(c),
        "a-z 0-9 _ . @ -",
    )
}

fn user_exists(conn: &rusqlite::Connection, name: &str) -> Result<bool> {
    Ok(conn
        .query_row("SELECT 1 FROM users WHERE name = ?1", [name], |_| Ok(()))
        .optional()?
        .is_some())
}

fn require_user(conn: &rusqlite::Connection, name: &str) -> Result<()> {
    if user_exists(conn, name)? {
        Ok(())
    } else {
        Err(StoreError::not_found("user", name))
    }
}

/// Checks a grant's scope rules.
fn check_grant(g: &RoleGrant) -> Result<()> {
    check_user_name(&g.user)?;
    if let Some(study) = &g.study {
        check_study_id(study)?;
    }
    match (g.role, &g.study, &g.site) {
        (Role::DataOwner, Some(_), Some(site)) => check_text("site", site, 128),
        (Role::DataOwner, _, _) => Err(StoreError::invalid(
            "grant",
            "a data_owner grant requires a study and a site",
        )),
        (_, _, Some(_)) => Err(StoreError::invalid(
            "grant",
            format!("a {} grant cannot name a site", g.role),
        )),
        _ => Ok(()),
    }
}

impl Store {
    /// Creates an enabled user.
    ///
    /// Errors: [`StoreError::Invalid`] for a bad name,
    /// [`StoreError::Exists`] if the name is taken.
    pub fn create_user(&self, name: &str, display_name: &str) -> Result<User> {
        check_user_name(name)?;
        if display_name.chars().count() > 256 || display_name.chars().any(char::is_control) {
            return Err(StoreError::invalid(
                "display name",
                "at most 256 characters, no control characters",
            ));
        }
        let user = User {
            name: name.to_owned(),
            display_name: display_name.to_owned(),
            created_at: now(),
            disabled: false,
        };
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        insert_user(&tx, &user)?;
        tx.commit()?;
        Ok(user)
    }

    /// Creates an enabled user with `grants` and a first token (by its hash), all in one
    /// transaction: either the whole account exists afterwards or nothing of it does.
    ///
    /// Errors (nothing is written): [`StoreError::Invalid`] for a bad name, display name,
    /// label or grant (or a grant for another user); [`StoreError::Exists`] if the name or the
    /// token hash is taken; [`StoreError::NotFound`] for a grant's unknown study.
    pub fn create_account(
        &self,
        name: &str,
        display_name: &str,
        grants: &[RoleGrant],
        token_sha256: [u8; 32],
        label: &str,
    ) -> Result<(User, TokenInfo)> {
        check_user_name(name)?;
        for (what, text) in [("display name", display_name), ("token label", label)] {
            if text.chars().count() > 256 || text.chars().any(char::is_control) {
                return Err(StoreError::invalid(
                    what,
                    "at most 256 characters, no control characters",
                ));
            }
        }
        for g in grants {
            check_grant(g)?;
            if g.user != name {
                return Err(StoreError::invalid(
                    "grant",
                    format!("a grant for {:?} in the account of {name:?}", g.user),
                ));
            }
        }
        let user = User {
            name: name.to_owned(),
            display_name: display_name.to_owned(),
            created_at: now(),
            disabled: false,
        };
        let info = TokenInfo {
            id: random_hex(8)?,
            user: name.to_owned(),
            label: label.to_owned(),
            created_at: user.created_at.clone(),
            revoked: false,
        };
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Nothing is written unless the whole transaction commits.
        insert_user(&tx, &user)?;
        for study in grants.iter().filter_map(|g| g.study.as_deref()) {
            require_study(&tx, study)?;
        }
        token_is_new(&tx, &token_sha256)?;
        for g in grants {
            tx.execute(
                "INSERT OR IGNORE INTO grants (user, role, study, site) VALUES (?1, ?2, ?3, ?4)",
                params![g.user, g.role.as_str(), g.study, g.site],
            )?;
        }
        insert_token(&tx, &info, &token_sha256)?;
        tx.commit()?;
        Ok((user, info))
    }

    /// All users, ordered by name.
    pub fn users(&self) -> Result<Vec<User>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY name"))?;
        let rows = stmt.query_map([], user_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The user with this name, if any.
    pub fn user(&self, name: &str) -> Result<Option<User>> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE name = ?1"),
                [name],
                user_from_row,
            )
            .optional()?)
    }

    /// Enables or disables a user. Returns whether the user exists.
    pub fn set_user_disabled(&self, name: &str, disabled: bool) -> Result<bool> {
        let conn = self.conn();
        let n = conn.execute(
            "UPDATE users SET disabled = ?2 WHERE name = ?1",
            params![name, disabled],
        )?;
        Ok(n > 0)
    }

    /// Registers an API token by its SHA-256 hash.
    ///
    /// Errors: [`StoreError::NotFound`] for an unknown user,
    /// [`StoreError::Exists`] (naming the existing token's id) if the hash is
    /// already registered.
    pub fn add_token(&self, user: &str, token_sha256: [u8; 32], label: &str) -> Result<TokenInfo> {
        if label.chars().count() > 256 || label.chars().any(char::is_control) {
            return Err(StoreError::invalid(
                "token label",
                "at most 256 characters, no control characters",
            ));
        }
        let info = TokenInfo {
            id: random_hex(8)?,
            user: user.to_owned(),
            label: label.to_owned(),
            created_at: now(),
            revoked: false,
        };
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        require_user(&tx, user)?;
        token_is_new(&tx, &token_sha256)?;
        insert_token(&tx, &info, &token_sha256)?;
        tx.commit()?;
        Ok(info)
    }

    /// A user's tokens (including revoked ones), oldest first.
    pub fn tokens(&self, user: &str) -> Result<Vec<TokenInfo>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {TOKEN_COLUMNS} FROM tokens WHERE user = ?1 ORDER BY created_at, id"
        ))?;
        let rows = stmt.query_map([user], token_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Revokes a token. Returns `true` if it existed and was not yet revoked.
    pub fn revoke_token(&self, id: &str) -> Result<bool> {
        let conn = self.conn();
        let n = conn.execute(
            "UPDATE tokens SET revoked = 1 WHERE id = ?1 AND revoked = 0",
            [id],
        )?;
        Ok(n > 0)
    }

    /// Looks up the owner of a token hash. Only non-revoked tokens of
    /// enabled users match.
    pub fn authenticate(&self, token_sha256: &[u8; 32]) -> Result<Option<(User, TokenInfo)>> {
        let conn = self.conn();
        let found = conn
            .query_row(
                "SELECT u.name, u.display_name, u.created_at, u.disabled,
                        t.id, t.user, t.label, t.created_at, t.revoked
                 FROM tokens t JOIN users u ON u.name = t.user
                 WHERE t.token_sha256 = ?1 AND t.revoked = 0 AND u.disabled = 0",
                [&token_sha256[..]],
                |r| {
                    let user = user_from_row(r)?;
                    let token = TokenInfo {
                        id: r.get(4)?,
                        user: r.get(5)?,
                        label: r.get(6)?,
                        created_at: r.get(7)?,
                        revoked: r.get(8)?,
                    };
                    Ok((user, token))
                },
            )
            .optional()?;
        Ok(found)
    }

    /// Grants a role. Idempotent: granting an existing grant is a no-op.
    ///
    /// Errors: [`StoreError::Invalid`] if a data_owner grant lacks a study
    /// or site, or another role names a site; [`StoreError::NotFound`] for
    /// an unknown user or study.
    pub fn grant(&self, g: &RoleGrant) -> Result<()> {
        check_grant(g)?;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        require_user(&tx, &g.user)?;
        if let Some(study) = &g.study {
            require_study(&tx, study)?;
        }
        tx.execute(
            "INSERT OR IGNORE INTO grants (user, role, study, site) VALUES (?1, ?2, ?3, ?4)",
            params![g.user, g.role.as_str(), g.study, g.site],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Removes a grant. Returns whether it existed.
    pub fn revoke_grant(&self, g: &RoleGrant) -> Result<bool> {
        let conn = self.conn();
        let n = conn.execute(
            "DELETE FROM grants WHERE user = ?1 AND role = ?2
               AND study IS ?3 AND site IS ?4",
            params![g.user, g.role.as_str(), g.study, g.site],
        )?;
        Ok(n > 0)
    }

    /// A user's grants, ordered by role, study, site.
    pub fn grants(&self, user: &str) -> Result<Vec<RoleGrant>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT user, role, study, site FROM grants WHERE user = ?1
             ORDER BY role, study, site",
        )?;
        let rows = stmt
            .query_map([user], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(user, role, study, site)| {
                let role = role
                    .parse()
                    .map_err(|_| StoreError::corrupt(format!("unknown stored role {role:?}")))?;
                Ok(RoleGrant {
                    user,
                    role,
                    study,
                    site,
                })
            })
            .collect()
    }
}

/// [`StoreError::Exists`] (naming the existing token's id) if this hash is registered.
fn token_is_new(tx: &rusqlite::Transaction<'_>, token_sha256: &[u8; 32]) -> Result<()> {
    let existing: Option<String> = tx
        .query_row(
            "SELECT id FROM tokens WHERE token_sha256 = ?1",
            [&token_sha256[..]],
            |r| r.get(0),
        )
        .optional()?;
    match existing {
        Some(id) => Err(StoreError::Exists { what: "token", id }),
        None => Ok(()),
    }
}

/// Inserts the token `info` with its hash.
fn insert_token(
    tx: &rusqlite::Transaction<'_>,
    info: &TokenInfo,
    token_sha256: &[u8; 32],
) -> Result<()> {
    tx.execute(
        "INSERT INTO tokens (id, user, token_sha256, label, created_at, revoked)
         VALUES (?1, ?2, ?3, ?4, ?5, 0)",
        params![
            info.id,
            info.user,
            &token_sha256[..],
            info.label,
            info.created_at
        ],
    )?;
    Ok(())
}

/// Inserts `user`: [`StoreError::Exists`] if the name is taken.
fn insert_user(tx: &rusqlite::Transaction<'_>, user: &User) -> Result<()> {
    if user_exists(tx, &user.name)? {
        return Err(StoreError::Exists {
            what: "user",
            id: user.name.clone(),
        });
    }
    tx.execute(
        &format!("INSERT INTO users ({USER_COLUMNS}) VALUES (?1, ?2, ?3, ?4)"),
        params![user.name, user.display_name, user.created_at, user.disabled],
    )?;
    Ok(())
}
