# @PROGRAM@'s shell hook for bash. In ~/.bashrc:  eval "$(@PROGRAM@ hook bash)"
# Before each prompt it finds the nearest .mima.yaml at or above $PWD (~/.mima.yaml is your
# groups file, not a project's). While that file and those it names are unchanged since the last
# prompt this costs a few builtins: no subprocess. On a change it runs @PROGRAM@ once, which
# prints what to define, export and watch; leaving undoes all of it.
_kimen_bin=@KIMEN@
# Sourced again (a re-read ~/.bashrc), it keeps its state: what to undo on leaving is in there.
if [[ ! -v _kimen_cfg ]]; then
  _kimen_cfg= _kimen_state=
  _kimen_undo=() _kimen_watch=()
fi

_kimen_hook() {
  local _kimen_s=$?
  # Under set -e a prompt hook that returns non-zero ends the shell: give back 0 there.
  [[ $- == *e* ]] && _kimen_s=0
  # The user's options are theirs (local - puts them back on return), and none of them applies in
  # here: under set -u an unset name would stop the hook half done, under set -e a failed test
  # would end the shell.
  local -
  set +eu +o pipefail
  local _kimen_d=${PWD%/} _kimen_f= _kimen_i _kimen_w _kimen_t
  while :; do
    if [[ -f $_kimen_d/.mima.yaml && ! $_kimen_d/.mima.yaml -ef $HOME/.mima.yaml ]]; then
      _kimen_f=$_kimen_d/.mima.yaml
      break
    fi
    [[ -z $_kimen_d ]] && break
    _kimen_d=${_kimen_d%/*}
  done
  if [[ $_kimen_f == "$_kimen_cfg" ]]; then
    # each watched file against its stamp: same mtime, or absent then and now ("" stamp)
    for ((_kimen_i = 0; _kimen_i < ${#_kimen_watch[@]}; _kimen_i += 2)); do
      _kimen_w=${_kimen_watch[_kimen_i]} _kimen_t=${_kimen_watch[_kimen_i + 1]}
      if [[ -e $_kimen_w ]]; then
        [[ -e $_kimen_t && ! $_kimen_w -nt $_kimen_t && ! $_kimen_w -ot $_kimen_t ]] || break
      else
        [[ -z $_kimen_t ]] || break
      fi
    done
    ((_kimen_i >= ${#_kimen_watch[@]})) && return $_kimen_s
  else
    _kimen_state=
  fi
  for _kimen_w in "${_kimen_undo[@]}"; do
    eval "$_kimen_w"
  done
  _kimen_undo=() _kimen_cfg=$_kimen_f _kimen_watch=()
  if [[ -n $_kimen_f ]]; then
    eval "$("$_kimen_bin" hook bash --load "$_kimen_f" --previous "$_kimen_state" </dev/null)"
    # nothing to watch: kimen did not run to the end; try again at the next prompt
    ((${#_kimen_watch[@]})) || _kimen_cfg=
  fi
  return $_kimen_s
}

# _kimen_set NAME VALUE: export, remembering how to put back what was there.
_kimen_set() {
  local _kimen_r
  if [[ ${!1@a} == *r* ]]; then
    printf '%s\n' "@PROGRAM@: $1 is read-only in this shell; not set" >&2
    return
  elif [[ ! -v $1 ]]; then
    _kimen_r="unset -v $1"
  elif [[ ${!1@a} == *x* ]]; then
    _kimen_r="declare -gx $1=${!1@Q}"
  else
    _kimen_r="declare -g +x $1=${!1@Q}"
  fi
  _kimen_undo=("$_kimen_r" "${_kimen_undo[@]}")
  export "$1=$2"
}

# _kimen_path DIR…: put DIRs in front of PATH.
_kimen_path() {
  local IFS=:
  _kimen_set PATH "$*${PATH:+:$PATH}"
}

# _kimen_fn GROUP CONFIG: GROUP becomes a function running its command with the group's secrets.
_kimen_fn() {
  if declare -F -- "$1" >/dev/null || alias -- "$1" >/dev/null 2>&1; then
    printf '%s\n' "@PROGRAM@: $1 is already a function or alias in this shell, left as it is; use: @PROGRAM@ run $1 -- <command>" >&2
    return
  fi
  eval "$1() { ${_kimen_bin@Q} run --mima-file ${2@Q} $1 -- \"\$@\"; }"
  _kimen_undo=("unset -f $1" "${_kimen_undo[@]}")
}

_kimen_watch() { _kimen_watch+=("$1" "$2"); }
_kimen_status() { _kimen_state=$1; }

if [[ ";${PROMPT_COMMAND[*]:-};" != *";_kimen_hook;"* ]]; then
  if [[ -v PROMPT_COMMAND && ${PROMPT_COMMAND@a} == *a* ]]; then
    PROMPT_COMMAND=(_kimen_hook "${PROMPT_COMMAND[@]}")
  else
    PROMPT_COMMAND="_kimen_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
  fi
fi
