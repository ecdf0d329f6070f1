# @PROGRAM@'s shell hook for zsh. In ~/.zshrc:  eval "$(@PROGRAM@ hook zsh)"
# Before each prompt it finds the nearest .mima.yaml at or above $PWD (~/.mima.yaml is your
# groups file, not a project's). While that file and those it names are unchanged since the last
# prompt this costs a few builtins: no subprocess. On a change it runs @PROGRAM@ once, which
# prints what to define, export and watch; leaving undoes all of it.
# Every function starts with emulate -L zsh: whatever the user's options (nounset, errexit,
# ksh_arrays, sh_word_split, …), the hook runs with zsh's own, and leaves the user's as they were.
() {
  emulate -L zsh
  typeset -g _kimen_bin=@KIMEN@
  # Sourced again (a re-read ~/.zshrc), it keeps its state: what to undo on leaving is in there.
  if (( ! ${+_kimen_cfg} )); then
    typeset -g _kimen_cfg= _kimen_state=
    typeset -ga _kimen_undo _kimen_watch
    _kimen_undo=() _kimen_watch=()
  fi
}

_kimen_hook() {
  local _kimen_s=$?
  # Under errexit a precmd function that returns non-zero ends the shell: give back 0 there.
  [[ -o errexit ]] && _kimen_s=0
  emulate -L zsh
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
    for ((_kimen_i = 1; _kimen_i < $#_kimen_watch; _kimen_i += 2)); do
      _kimen_w=$_kimen_watch[_kimen_i] _kimen_t=$_kimen_watch[_kimen_i+1]
      if [[ -e $_kimen_w ]]; then
        [[ -e $_kimen_t && ! $_kimen_w -nt $_kimen_t && ! $_kimen_w -ot $_kimen_t ]] || break
      else
        [[ -z $_kimen_t ]] || break
      fi
    done
    (( _kimen_i > $#_kimen_watch )) && return $_kimen_s
  else
    _kimen_state=
  fi
  for _kimen_w in $_kimen_undo; do
    eval "$_kimen_w"
  done
  _kimen_undo=() _kimen_cfg=$_kimen_f _kimen_watch=()
  if [[ -n $_kimen_f ]]; then
    eval "$("$_kimen_bin" hook zsh --load "$_kimen_f" --previous "$_kimen_state" </dev/null)"
    # nothing to watch: kimen did not run to the end; try again at the next prompt
    (( $#_kimen_watch )) || _kimen_cfg=
  fi
  return $_kimen_s
}

# _kimen_set NAME VALUE: export, remembering how to put back what was there.
_kimen_set() {
  emulate -L zsh
  local _kimen_r _kimen_type=${(tP)1}
  if [[ $_kimen_type == *(readonly|array|association)* ||
        $_kimen_type == *special* && $_kimen_type != *(export|tied)* ]]; then
    print -ru2 -- "@PROGRAM@: $1 is one of zsh's own parameters; not set"
    return
  elif [[ ! -v $1 ]]; then
    _kimen_r="unset $1"
  elif [[ $_kimen_type == *-export* ]]; then
    _kimen_r="typeset -gx $1=${(qq)${(P)1}}"
  else
    _kimen_r="typeset -g +x $1=${(qq)${(P)1}}"
  fi
  _kimen_undo=("$_kimen_r" $_kimen_undo)
  export "$1=$2"
}

# _kimen_path DIR…: put DIRs in front of PATH.
_kimen_path() {
  emulate -L zsh
  local _kimen_p=${(j.:.)@}${PATH:+:$PATH}
  local _kimen_r="typeset -gx PATH=${(qq)PATH}"
  _kimen_undo=("$_kimen_r" $_kimen_undo)
  export PATH=$_kimen_p
}

# _kimen_fn GROUP CONFIG: GROUP becomes a function running its command with the group's secrets.
_kimen_fn() {
  emulate -L zsh
  if functions -- "$1" >/dev/null 2>&1 || alias -- "$1" >/dev/null 2>&1; then
    print -ru2 -- "@PROGRAM@: $1 is already a function or alias in this shell, left as it is; use: @PROGRAM@ run $1 -- <command>"
    return
  fi
  eval "function $1 { ${(qq)_kimen_bin} run --mima-file ${(qq)2} $1 -- \"\$@\"; }"
  _kimen_undo=("unfunction $1" $_kimen_undo)
}

_kimen_watch() { emulate -L zsh; _kimen_watch+=("$1" "$2"); }
_kimen_status() { emulate -L zsh; _kimen_state=$1; }

() {
  emulate -L zsh
  typeset -ga precmd_functions
  if (( ! ${precmd_functions[(I)_kimen_hook]} )); then
    precmd_functions=(_kimen_hook $precmd_functions)
  fi
}
