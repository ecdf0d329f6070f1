# @PROGRAM@'s shell hook for fish. In ~/.config/fish/config.fish:  @PROGRAM@ hook fish | source
# Before each prompt it finds the nearest .mima.yaml at or above $PWD (~/.mima.yaml is your
# groups file, not a project's). While that file and those it names are unchanged since the last
# prompt this costs a few builtins: no subprocess. On a change it runs @PROGRAM@ once, which
# prints what to define, export and watch; leaving undoes all of it.
# Sourced again (a re-read config.fish), it keeps its state: what to undo on leaving is in there.
set -g _kimen_bin @KIMEN@
if not set -q _kimen_undo
    set -g _kimen_cfg ''
    set -g _kimen_undo
    set -g _kimen_state ''
    set -g _kimen_watch
end

function _kimen_hook --on-event fish_prompt
    # string collect: a directory name may hold a newline, which would split a plain substitution
    set -l _kimen_d (string replace -r '/$' '' -- $PWD | string collect)
    set -l _kimen_f ''
    while true
        if test -f "$_kimen_d/.mima.yaml"; and not test "$_kimen_d/.mima.yaml" -ef "$HOME/.mima.yaml"
            set _kimen_f "$_kimen_d/.mima.yaml"
            break
        end
        test -z "$_kimen_d"; and break
        set _kimen_d (string replace -r '/[^/]*$' '' -- $_kimen_d | string collect)
    end
    if test "$_kimen_f" = "$_kimen_cfg"
        set -l _kimen_i 1
        set -l _kimen_n (count $_kimen_watch)
        # each watched file against its stamp: same mtime, or absent then and now ("" stamp)
        while test $_kimen_i -lt $_kimen_n
            set -l _kimen_w $_kimen_watch[$_kimen_i]
            set -l _kimen_t $_kimen_watch[(math $_kimen_i + 1)]
            if test -e "$_kimen_w"
                test -e "$_kimen_t"; and not test "$_kimen_w" -nt "$_kimen_t"; and not test "$_kimen_w" -ot "$_kimen_t"
                or break
            else
                test -z "$_kimen_t"; or break
            end
            set _kimen_i (math $_kimen_i + 2)
        end
        test $_kimen_i -ge $_kimen_n; and return
    else
        set -g _kimen_state ''
    end
    for _kimen_c in $_kimen_undo
        eval $_kimen_c
    end
    set -g _kimen_undo
    set -g _kimen_cfg $_kimen_f
    set -g _kimen_watch
    if test -n "$_kimen_f"
        $_kimen_bin hook fish --load "$_kimen_f" --previous "$_kimen_state" </dev/null | source
        # nothing to watch: kimen did not run to the end; try again at the next prompt
        test (count $_kimen_watch) -gt 0; or set -g _kimen_cfg ''
    end
end

# _kimen_set NAME VALUE…: export, remembering how to put back what was there.
function _kimen_set
    set -l _kimen_name $argv[1]
    set -l _kimen_r "set -e -g $_kimen_name"
    if set -q $_kimen_name
        set -l _kimen_scope -gu
        set -q -x $_kimen_name; and set _kimen_scope -gx
        set _kimen_r (string join ' ' -- set $_kimen_scope $_kimen_name (string escape -- $$_kimen_name))
    end
    set -g _kimen_undo $_kimen_r $_kimen_undo
    set -gx $argv[1] $argv[2..-1]
end

# _kimen_path DIR…: put DIRs in front of PATH.
function _kimen_path
    _kimen_set PATH $argv $PATH
end

# _kimen_fn GROUP CONFIG: GROUP becomes a function running its command with the group's secrets.
function _kimen_fn
    if functions -q -- $argv[1]
        echo "@PROGRAM@: $argv[1] is already a function in this shell, left as it is; use: @PROGRAM@ run $argv[1] -- <command>" >&2
        return
    end
    eval "function $argv[1]; "(string escape -- $_kimen_bin)" run --mima-file "(string escape -- $argv[2])" $argv[1] -- \$argv; end"
    set -g _kimen_undo "functions -e $argv[1]" $_kimen_undo
end

function _kimen_watch
    set -g -a _kimen_watch $argv[1] $argv[2]
end

function _kimen_status
    set -g _kimen_state $argv[1]
end
