"""The bash helpers every generated ``setup.sh`` starts with, and how values are quoted.

Each helper looks before it creates ("show or create"), so running the script again
finishes a partial run and changes nothing after a complete one. Helpers check every
``az`` call themselves (``|| return 1``): bash ignores ``set -e`` inside a function
called from ``||`` or ``$( )``, which is how the script calls them. The script needs
bash 3.2 or later (macOS's), ``awk`` and ``mktemp``.
Commands and flags: https://learn.microsoft.com/cli/azure/ad/app,
https://learn.microsoft.com/cli/azure/ad/sp, https://learn.microsoft.com/cli/azure/identity,
https://learn.microsoft.com/cli/azure/reference-index#az-rest (tests/stack/az_surface.py
lists each command and flag used, with its page).
"""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

from stack.entra_model import Ref, Text

_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use marks: where a Ref sits in dumped JSON

HELPERS = r"""
say() { printf '%s\n' "$*" >&2; }  # progress on stderr: the helpers' stdout carries ids

# A new object may not have replicated to every directory replica yet: try again.
retry() {
  local n=1
  until "$@"; do
    if [ "$n" -ge "$RETRY_ATTEMPTS" ]; then say "  gave up after $n tries: ${*:1:4}"; return 1; fi
    say "  not there yet, retrying in ${RETRY_DELAY}s: ${*:1:4}"
    sleep "$RETRY_DELAY"
    n=$((n + 1))
  done
}

# .env.entra is written as values become known, so whatever fails later leaves it usable.
env_value() {
  K="$1" awk 'index($0, ENVIRON["K"] "=") == 1 { v = substr($0, length(ENVIRON["K"]) + 2) } END { print v }' "$ENV_FILE"
}
set_env() {
  local tmp
  tmp=$(mktemp "$ENV_FILE.XXXXXX") || return 1
  K="$1" V="$2" awk 'index($0, ENVIRON["K"] "=") == 1 { if (!done) print ENVIRON["K"] "=" ENVIRON["V"]; done = 1; next }
    { print } END { if (!done) print ENVIRON["K"] "=" ENVIRON["V"] }' "$ENV_FILE" >"$tmp" || return 1
  mv "$tmp" "$ENV_FILE"
}

words() { printf '%s\n' "$1" | tr ' ' '\n' | sed '/^$/d' | sort -u | tr '\n' ' '; }

# ensure_app NAME ODATA_NAME AUDIENCE: the app id of the registration named NAME.
ensure_app() {
  local ids count
  ids=$(az ad app list --filter "displayName eq '$2'" --query "[].appId" -o tsv) || return 1
  count=$(printf '%s\n' "$ids" | sed '/^$/d' | wc -l | tr -d ' ')
  if [ "$count" -gt 1 ]; then
    say "error: $count app registrations are named '$1': delete all but one (az ad app delete --id <app id>), then run again"
    return 1
  fi
  if [ -z "$ids" ]; then
    say "  creating app registration '$1'"
    ids=$(az ad app create --display-name "$1" --sign-in-audience "$3" --query appId -o tsv) || return 1
  else
    say "  app registration '$1' exists: $ids"
  fi
  [ -n "$ids" ] && printf '%s\n' "$ids"
}

# ensure_sp APP_ID NAME: its service principal's object id (az ad sp create fails if one exists).
ensure_sp() {
  local id
  if id=$(az ad sp show --id "$1" --query id -o tsv 2>/dev/null) && [ -n "$id" ]; then
    printf '%s\n' "$id"
    return 0
  fi
  say "  creating the service principal of $2"
  id=$(retry az ad sp create --id "$1" --query id -o tsv) || return 1
  [ -n "$id" ] && printf '%s\n' "$id"
}

# patch_app APP_ID NAME BODY: the whole registration in one PATCH; the same body twice is a no-op.
patch_app() {
  say "  setting $2: identifier URI, scopes, app roles, redirect URIs, claims, permissions"
  retry az rest --method PATCH --uri "https://graph.microsoft.com/v1.0/applications(appId='$1')" \
    --headers "Content-Type=application/json" --body "$3" >/dev/null
}

# ensure_secret APP_ID NAME ENV: keep the secret .env.entra holds, else add one (--append keeps others).
ensure_secret() {
  local keys secret
  keys=$(az ad app credential list --id "$1" --query "[?displayName=='$CRED_NAME'].keyId" -o tsv) || return 1
  if [ -n "$keys" ] && [ -n "$(env_value "$3")" ]; then
    say "  $2: keeping the client secret in $ENV_FILE ($3)"
    return 0
  fi
  say "  $2: adding a client secret, valid 1 year -> $3 in $ENV_FILE"
  secret=$(retry az ad app credential reset --id "$1" --append --display-name "$CRED_NAME" --years 1 \
    --query password -o tsv) || return 1
  [ -n "$secret" ] && set_env "$3" "$secret"
}

# ensure_fic APP_ID NAME BODY: a federated credential, created when none has that name.
ensure_fic() {
  if az ad app federated-credential show --id "$1" --federated-credential-id "$2" >/dev/null 2>&1; then
    say "  federated credential $2 exists (to change it: az ad app federated-credential delete, then run again)"
    return 0
  fi
  say "  adding federated credential $2"
  retry az ad app federated-credential create --id "$1" --parameters "$3" >/dev/null
}

# ensure_identity NAME: a user-assigned managed identity in $RESOURCE_GROUP.
ensure_identity() {
  if az identity show -g "$RESOURCE_GROUP" -n "$1" --query id -o tsv >/dev/null 2>&1; then
    say "  managed identity $1 exists"
    return 0
  fi
  say "  creating managed identity $1 in $RESOURCE_GROUP"
  az identity create -g "$RESOURCE_GROUP" -n "$1" --query id -o tsv >/dev/null
}
identity_value() { az identity show -g "$RESOURCE_GROUP" -n "$1" --query "$2" -o tsv; }

# grant_delegated CLIENT_APP CLIENT RESOURCE_APP RESOURCE_SP RESOURCE "SCOPES": tenant-wide consent.
# az ad app permission grant replaces the client's grant on that resource; skip it when equal.
grant_delegated() {
  local current
  current=$(az ad app permission list-grants --id "$1" --query "[?resourceId=='$4'].scope" -o tsv) || return 1
  if [ "$(words "$current")" = "$(words "$6")" ]; then
    say "  $2 -> $5: consented ($6)"
    return 0
  fi
  say "  $2 -> $5: granting admin consent for $6"
  retry az ad app permission grant --id "$1" --api "$3" --scope "$6" >/dev/null
}

# grant_app_role CLIENT_SP CLIENT RESOURCE_SP RESOURCE ROLE_ID ROLE: an application permission.
grant_app_role() {
  local have
  have=$(az rest --method GET --uri "https://graph.microsoft.com/v1.0/servicePrincipals/$1/appRoleAssignments" \
    --query "value[?appRoleId=='$5'].id" -o tsv) || return 1
  if [ -n "$have" ]; then
    say "  $2 -> $4: app role $6 assigned"
    return 0
  fi
  say "  $2 -> $4: assigning app role $6"
  retry az rest --method POST --uri "https://graph.microsoft.com/v1.0/servicePrincipals/$3/appRoleAssignedTo" \
    --headers "Content-Type=application/json" \
    --body "{\"principalId\": \"$1\", \"resourceId\": \"$3\", \"appRoleId\": \"$5\"}" >/dev/null
}
""".strip()


def word(value: Text) -> str:
    """One shell word: literal text single-quoted, a Ref as ``"prefix${VAR}suffix"``."""
    if isinstance(value, Ref):
        return f'"{in_double_quotes(value.prefix)}${{{value.var}}}{in_double_quotes(value.suffix)}"'
    return shlex.quote(value)


def in_double_quotes(text: str) -> str:
    """Text safe inside a double-quoted shell word."""
    return re.sub(r'([\\"$`])', r"\\\1", text)


def _in_heredoc(text: str) -> str:
    """An unquoted heredoc expands ``$``, backquotes and ``\\``: escape them in literal text."""
    return re.sub(r"([\\$`])", r"\\\1", text)


def _mark(value: Any) -> Any:
    if isinstance(value, Ref):
        return f"{value.prefix}{_OPEN}{value.var}{_CLOSE}{value.suffix}"
    if isinstance(value, dict):
        return {k: _mark(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mark(v) for v in value]
    if isinstance(value, str) and (_OPEN in value or _CLOSE in value):
        raise ValueError(f"text in the tenant file holds a reserved character: {value[:40]!r}")
    return value


def json_heredoc(variable: str, value: Any) -> list[str]:
    """``variable=$(cat <<JSON ... JSON)``: the JSON of ``value``, Refs expanded by the shell."""
    text = _in_heredoc(json.dumps(_mark(value), indent=2, ensure_ascii=False))
    text = re.sub(f"{_OPEN}([A-Z0-9_]+){_CLOSE}", r"${\1}", text)
    return [f"{variable}=$(", "  cat <<JSON", text, "JSON", ")"]
