function __mlops_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __mlops_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __mlops_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __mlops_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __mlops_parse_tokens -S
    set -l unparsed_tokens (__mlops_tokens -pc)
    switch $unparsed_tokens[1]
    case 'mlops'
        __mlops_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'init'
            __mlops_parse_subcommand 0 'json' 'q/quiet' 'C=' 'version' 'h/help'
        case 'add'
            __mlops_parse_subcommand -r 1 'json' 'q/quiet' 'C=' 'desc=' 'version' 'h/help'
        case 'status'
            __mlops_parse_subcommand -r 1 'json' 'q/quiet' 'C=' 'exit-code' 'version' 'h/help'
        case 'checkout'
            __mlops_parse_subcommand -r 1 'json' 'q/quiet' 'C=' 'f/force' 'version' 'h/help'
        case 'diff'
            __mlops_parse_subcommand -r 1 'json' 'q/quiet' 'C=' 'version' 'h/help'
        case 'ls'
            __mlops_parse_subcommand -r 1 'json' 'q/quiet' 'C=' 'version' 'h/help'
        case 'rm'
            __mlops_parse_subcommand -r 1 'json' 'q/quiet' 'C=' 'version' 'h/help'
        case 'mv'
            __mlops_parse_subcommand 2 'json' 'q/quiet' 'C=' 'version' 'h/help'
        case 'commit'
            __mlops_parse_subcommand -r 1 'json' 'q/quiet' 'C=' 'version' 'h/help'
        case 'gc'
            __mlops_parse_subcommand 0 'json' 'q/quiet' 'C=' 'd/dry-run' 'version' 'h/help'
        case 'fsck'
            __mlops_parse_subcommand 0 'json' 'q/quiet' 'C=' 'version' 'h/help'
        case 'help'
            __mlops_parse_subcommand -r 1 'version'
        end
    end
end

function __mlops_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __mlops_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __mlops_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __mlops_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__mlops_tokens -p)
    if test -z "$(__mlops_tokens -t)"
        set -l index (count (__mlops_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'mlops' -f
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'init' -d 'Create an mlops repository in the current directory.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'add' -d 'Track files or directories: store their content and write <path>.mlops pointers.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'status' -d 'Show how tracked data in the workspace differs from its pointer files.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'checkout' -d 'Restore tracked data in the workspace from the cache.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'diff' -d 'Show tracked-data changes file by file, with object ids and sizes.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'ls' -d 'List tracked files and directories.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'rm' -d 'Stop tracking data; the files stay in the workspace.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'mv' -d 'Move or rename tracked data together with its pointer file.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'commit' -d 'Record changes to tracked data (all targets, or the given ones).'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'gc' -d 'Remove cached objects that nothing in the workspace references.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'fsck' -d 'Verify every cached object and pointer file.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops init" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops init" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops init" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops init" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops init" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops add" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops add" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops add" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops add" desc' -l 'desc' -d 'A description stored in the pointer file.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops add" -ge 1' -F
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops add" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops add" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops status" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops status" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops status" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops status" exit-code' -l 'exit-code' -d 'Exit with status 2 (changes-found) when the workspace differs from the pointers.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops status" -ge 1' -F
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops status" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops checkout" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops checkout" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops checkout" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops checkout" f force' -l 'force' -s 'f' -d 'Overwrite local changes that are not in the cache.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops checkout" -ge 1' -F
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops checkout" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops checkout" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops diff" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops diff" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops diff" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops diff" -ge 1' -F
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops diff" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops diff" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops ls" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops ls" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops ls" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops ls" -ge 1' -F
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops ls" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops ls" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops rm" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops rm" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops rm" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops rm" -ge 1' -F
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops rm" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops rm" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops mv" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops mv" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops mv" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops mv" -eq 1' -F
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops mv" -eq 2' -F
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops mv" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops mv" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops commit" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops commit" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops commit" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops commit" -ge 1' -F
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops commit" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops commit" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops gc" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops gc" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops gc" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops gc" d dry-run' -l 'dry-run' -s 'd' -d 'Only report what would be removed.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops gc" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops gc" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops fsck" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops fsck" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops fsck" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops fsck" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops fsck" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops help" version' -l 'version' -d 'Show the version.'
