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
        case 'train'
            __mlops_parse_subcommand 0 'json' 'q/quiet' 'C=' 'data=' 'target=' 'model=' 'param=+' 'feature=+' 'categorical=+' 'test-fraction=' 'config=' 'name=' 'list-params' 'version' 'h/help'
        case 'tune'
            __mlops_parse_subcommand 0 'json' 'q/quiet' 'C=' 'data=' 'target=' 'model=' 'grid=+' 'random=+' 'space=' 'trials=' 'folds=' 'metric=' 'param=+' 'feature=+' 'categorical=+' 'test-fraction=' 'name=' 'version' 'h/help'
        case 'predict'
            __mlops_parse_subcommand 1 'json' 'q/quiet' 'C=' 'data=' 'output=' 'version' 'h/help'
        case 'run'
            __mlops_parse_subcommand -r 1 'json' 'q/quiet' 'C=' 'name=' 'params=' 'metrics=' 'input=+' 'output=+' 'version' 'h/help'
        case 'runs'
            __mlops_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __mlops_parse_subcommand 0 'json' 'q/quiet' 'C=' 'where=' 'name=' 'status=' 'since-hours=' 'sort=' 'ascending' 'limit=' 'version' 'h/help'
            case 'show'
                __mlops_parse_subcommand 1 'json' 'q/quiet' 'C=' 'version' 'h/help'
            case 'compare'
                __mlops_parse_subcommand -r 1 'json' 'q/quiet' 'C=' 'version' 'h/help'
            case 'delete'
                __mlops_parse_subcommand -r 1 'json' 'q/quiet' 'C=' 'version' 'h/help'
            end
        case 'log'
            __mlops_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'metric'
                __mlops_parse_subcommand 2 'json' 'q/quiet' 'C=' 'run=' 'step=' 'version' 'h/help'
            case 'param'
                __mlops_parse_subcommand 2 'json' 'q/quiet' 'C=' 'run=' 'version' 'h/help'
            case 'artifact'
                __mlops_parse_subcommand 1 'json' 'q/quiet' 'C=' 'run=' 'name=' 'version' 'h/help'
            end
        case 'eval'
            __mlops_parse_subcommand 1 'json' 'q/quiet' 'C=' 'data=' 'gate=+' 'baseline=' 'max-regression=+' 'categorical=+' 'version' 'h/help'
        case 'model'
            __mlops_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'register'
                __mlops_parse_subcommand 1 'json' 'q/quiet' 'C=' 'name=' 'version' 'h/help'
            case 'list'
                __mlops_parse_subcommand 0 'json' 'q/quiet' 'C=' 'version' 'h/help'
            case 'show'
                __mlops_parse_subcommand 1 'json' 'q/quiet' 'C=' 'version' 'h/help'
            case 'promote'
                __mlops_parse_subcommand 1 'json' 'q/quiet' 'C=' 'to=' 'reason=' 'git-tag' 'version' 'h/help'
            case 'rollback'
                __mlops_parse_subcommand 1 'json' 'q/quiet' 'C=' 'alias=' 'reason=' 'version' 'h/help'
            case 'history'
                __mlops_parse_subcommand 1 'json' 'q/quiet' 'C=' 'version' 'h/help'
            case 'tag'
                __mlops_parse_subcommand 2 'json' 'q/quiet' 'C=' 'version' 'h/help'
            case 'delete'
                __mlops_parse_subcommand 1 'json' 'q/quiet' 'C=' 'version' 'h/help'
            end
        case 'export'
            __mlops_parse_subcommand 1 'json' 'q/quiet' 'C=' 'format=' 'output=' 'version' 'h/help'
        case 'import'
            __mlops_parse_subcommand 1 'json' 'q/quiet' 'C=' 'name=' 'version' 'h/help'
        case 'repro'
            __mlops_parse_subcommand -r 1 'json' 'q/quiet' 'C=' 'f/force' 'dry-run' 'keep-going' 'j/jobs=' 'version' 'h/help'
        case 'dag'
            __mlops_parse_subcommand 0 'json' 'q/quiet' 'C=' 'mermaid' 'dot' 'version' 'h/help'
        case 'params'
            __mlops_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'diff'
                __mlops_parse_subcommand 1 'json' 'q/quiet' 'C=' 'version' 'h/help'
            end
        case 'metrics'
            __mlops_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'show'
                __mlops_parse_subcommand 0 'json' 'q/quiet' 'C=' 'rev=' 'version' 'h/help'
            case 'diff'
                __mlops_parse_subcommand 1 'json' 'q/quiet' 'C=' 'version' 'h/help'
            end
        case 'serve'
            __mlops_parse_subcommand -r 1 'json' 'q/quiet' 'C=' 'host=' 'port=' 'split=' 'token=' 'sticky-header=' 'log-sample=' 'max-body=' 'max-batch=' 'poll=' 'version' 'h/help'
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
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'train' -d 'Train a model on a data file as a tracked run.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'tune' -d 'Search hyperparameters with k-fold cross-validation; each configuration is a trial run.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'predict' -d 'Score a data file with a registered model version or a run\'s model.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'run' -d 'Run any command as a tracked run.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'runs' -d 'List, inspect, compare and delete tracked runs.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'log' -d 'Record metrics, parameters or artifacts of a run (from scripts, or inside `mlops run`).'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'eval' -d 'Evaluate a model on labelled data and check quality gates (for CI).'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'model' -d 'The model registry: versions, aliases, promotion, rollback and history.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'export' -d 'Write a model as ONNX (for other runtimes) or as a bundle another repository can import.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'import' -d 'Register the model of a bundle (from `mlops export`) as a new version, with its lineage.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'repro' -d 'Bring the pipeline in mlops.yaml up to date, running only what changed.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'dag' -d 'Show the pipeline\'s stages and how they depend on each other.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'params' -d 'Compare the pipeline\'s parameters with a git revision.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'metrics' -d 'Show the pipeline\'s metrics, or compare them with a git revision.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops" -eq 1' -fa 'serve' -d 'Serve registered models over HTTP (Open Inference Protocol, MLflow scoring, Prometheus).'
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
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops train" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops train" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops train" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops train" data' -l 'data' -d 'The data file (CSV or .jsonl).' -rF
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops train" target' -l 'target' -d 'The column to predict.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops train" model' -l 'model' -d 'The learner: gbdt, linear, logistic or forest.' -rfka 'linear logistic gbdt forest'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops train"' -l 'param' -d 'A hyperparameter, as name=value (repeatable).' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops train"' -l 'feature' -d 'A feature column to use (repeatable; default: all but the target).' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops train"' -l 'categorical' -d 'A numeric column to treat as categories (repeatable).' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops train" test-fraction' -l 'test-fraction' -d 'The fraction of rows held out for evaluation.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops train" config' -l 'config' -d 'A YAML file with data, target, model, params, features, categorical, test_fraction, name.' -rF
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops train" name' -l 'name' -d 'The run\'s name.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops train" list-params' -l 'list-params' -d 'List every learner\'s parameters with their defaults and ranges, then exit.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops train" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops train" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops tune" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops tune" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops tune" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops tune" data' -l 'data' -d 'The data file (CSV or .jsonl).' -rF
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops tune" target' -l 'target' -d 'The column to predict.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops tune" model' -l 'model' -d 'The learner: gbdt, linear, logistic or forest.' -rfka 'linear logistic gbdt forest'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops tune"' -l 'grid' -d 'Values to try, as name=v1,v2,… (repeatable).' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops tune"' -l 'random' -d 'A range to sample, as name=low:high[:log] (repeatable).' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops tune" space' -l 'space' -d 'A YAML file of dimensions: name: [values] or name: {low: …, high: …, log: true}.' -rF
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops tune" trials' -l 'trials' -d 'Random search with this many configurations (default: the full grid).' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops tune" folds' -l 'folds' -d 'Cross-validation folds.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops tune" metric' -l 'metric' -d 'The metric that ranks configurations (default: rmse, or log_loss for classification).' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops tune"' -l 'param' -d 'A fixed hyperparameter, as name=value (repeatable).' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops tune"' -l 'feature' -d 'A feature column to use (repeatable; default: all but the target).' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops tune"' -l 'categorical' -d 'A numeric column to treat as categories (repeatable).' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops tune" test-fraction' -l 'test-fraction' -d 'The fraction of rows held out to evaluate the best model.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops tune" name' -l 'name' -d 'The tune run\'s name.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops tune" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops tune" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops predict" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops predict" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops predict" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops predict" data' -l 'data' -d 'The data file (CSV or .jsonl) with the model\'s feature columns.' -rF
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops predict" output' -l 'output' -d 'Where to write the predictions (CSV).' -rF
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops predict" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops predict" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops run" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops run" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops run" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops run" name' -l 'name' -d 'The run\'s name.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops run" params' -l 'params' -d 'A YAML or JSON file of parameters the command reads.' -rF
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops run" metrics' -l 'metrics' -d 'A JSON file of metrics the command writes.' -rF
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops run"' -l 'input' -d 'A file the command reads, recorded with its object id (repeatable).' -rF
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops run"' -l 'output' -d 'A file the command writes, stored as an artifact (repeatable).' -rF
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops run" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops run" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops runs" -eq 1' -fa 'list' -d 'List runs, most recent first.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops runs" -eq 1' -fa 'show' -d 'Show everything recorded about a run: parameters, metrics, lineage and artifacts.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops runs" -eq 1' -fa 'compare' -d 'Compare runs\' parameters and metrics side by side; differing rows are highlighted.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops runs" -eq 1' -fa 'delete' -d 'Delete runs and their records (their stored objects become garbage for `mlops gc`).'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs list" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs list" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs list" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs list" where' -l 'where' -d 'Keep runs matching this expression.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs list" name' -l 'name' -d 'Keep runs with this name.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs list" status' -l 'status' -d 'Keep runs with this status (running, finished, failed, killed).' -rfka 'running finished failed killed'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs list" since-hours' -l 'since-hours' -d 'Keep runs started within this many hours.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs list" sort' -l 'sort' -d 'Sort by a field (started, name, metrics.<name>, params.<name>).' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs list" ascending' -l 'ascending' -d 'Sort ascending (default: descending).'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs list" limit' -l 'limit' -d 'Show at most this many runs.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs list" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs show" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs show" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs show" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs show" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs compare" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs compare" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs compare" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs compare" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs compare" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs delete" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs delete" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs delete" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs delete" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops runs delete" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops log" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops log" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops log" -eq 1' -fa 'metric' -d 'Record a metric value (at a step).'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops log" -eq 1' -fa 'param' -d 'Record a parameter.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops log" -eq 1' -fa 'artifact' -d 'Store a file as an artifact of a run.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops log metric" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops log metric" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops log metric" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops log metric" run' -l 'run' -d 'The run (default: $MLOPS_RUN_ID).' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops log metric" step' -l 'step' -d 'The step (iteration, epoch) of this value.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops log metric" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops log metric" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops log param" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops log param" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops log param" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops log param" run' -l 'run' -d 'The run (default: $MLOPS_RUN_ID).' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops log param" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops log param" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops log artifact" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops log artifact" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops log artifact" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops log artifact" run' -l 'run' -d 'The run (default: $MLOPS_RUN_ID).' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops log artifact" -eq 1' -F
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops log artifact" name' -l 'name' -d 'The artifact\'s name (default: the path as given).' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops log artifact" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops log artifact" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops eval" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops eval" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops eval" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops eval" data' -l 'data' -d 'The labelled data file (CSV or .jsonl) with the model\'s features and target.' -rF
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops eval"' -l 'gate' -d 'A gate such as \'rmse < 3.5\' (repeatable).' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops eval" baseline' -l 'baseline' -d 'The version to compare with: an alias of this model (production) or a model reference.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops eval"' -l 'max-regression' -d 'How much worse than the baseline a metric may be, as metric=2% (repeatable).' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops eval"' -l 'categorical' -d 'A numeric column to treat as categories (repeatable).' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops eval" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops eval" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops model" -eq 1' -fa 'register' -d 'Register a run\'s model (or a model.json file) as the next version of a model.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops model" -eq 1' -fa 'list' -d 'List registered models with their versions and aliases.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops model" -eq 1' -fa 'show' -d 'Show a version (signature, metrics, lineage), or every version of a model.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops model" -eq 1' -fa 'promote' -d 'Point an alias (production, staging, …) at a version; the move is recorded in the history.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops model" -eq 1' -fa 'rollback' -d 'Move an alias back to the version that held it before its current one.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops model" -eq 1' -fa 'history' -d 'Show every registration, promotion, rollback, tag and deletion of a model.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops model" -eq 1' -fa 'tag' -d 'Attach a tag (key=value) to a version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops model" -eq 1' -fa 'delete' -d 'Delete a version (refused while an alias points at it).'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model register" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model register" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model register" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model register" name' -l 'name' -d 'The model\'s name.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model register" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model register" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model list" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model list" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model list" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model list" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model show" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model show" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model show" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model show" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model promote" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model promote" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model promote" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model promote" to' -l 'to' -d 'The alias to move.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model promote" reason' -l 'reason' -d 'Why, for the history.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model promote" git-tag' -l 'git-tag' -d 'Also create the annotated git tags <name>@v<version> and <name>#<alias> (moved) at the version\'s commit.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model promote" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model promote" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model rollback" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model rollback" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model rollback" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model rollback" alias' -l 'alias' -d 'The alias to roll back.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model rollback" reason' -l 'reason' -d 'Why, for the history.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model rollback" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model rollback" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model history" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model history" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model history" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model history" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model history" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model tag" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model tag" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model tag" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model tag" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model tag" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model delete" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model delete" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model delete" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model delete" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops model delete" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops export" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops export" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops export" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops export" format' -l 'format' -d 'The output format.' -rfka 'bundle onnx'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops export" output' -l 'output' -d 'The file to write (such as mpg-3.tar.gz or mpg-3.onnx).' -rF
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops export" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops export" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops import" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops import" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops import" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops import" -eq 1' -F
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops import" name' -l 'name' -d 'The model name to register it under (default: its name in the bundle).' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops import" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops import" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops repro" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops repro" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops repro" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops repro" f force' -l 'force' -s 'f' -d 'Run the stages even if nothing changed (and do not restore from the run cache).'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops repro" dry-run' -l 'dry-run' -d 'Only show what would run.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops repro" keep-going' -l 'keep-going' -d 'After a failure, go on with the stages that do not depend on it.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops repro" j jobs' -l 'jobs' -s 'j' -d 'How many independent stages to run at once.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops repro" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops repro" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops dag" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops dag" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops dag" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops dag" mermaid' -l 'mermaid' -d 'As a Mermaid flowchart.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops dag" dot' -l 'dot' -d 'As a Graphviz dot graph.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops dag" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops dag" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops params" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops params" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops params" -eq 1' -fa 'diff' -d 'List parameters (params.yaml and the files stages name) that differ from a git revision.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops params diff" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops params diff" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops params diff" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops params diff" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops params diff" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops metrics" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops metrics" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops metrics" -eq 1' -fa 'show' -d 'Show the metrics files the pipeline\'s stages write (in the workspace, or at --rev).'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_positional "mlops metrics" -eq 1' -fa 'diff' -d 'List metrics that differ from a git revision.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops metrics show" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops metrics show" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops metrics show" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops metrics show" rev' -l 'rev' -d 'A git revision to read them at.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops metrics show" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops metrics show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops metrics diff" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops metrics diff" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops metrics diff" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops metrics diff" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops metrics diff" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops serve" json' -l 'json' -d 'Print a JSON payload on standard output and nothing else.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops serve" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops serve" C' -s 'C' -d 'Run as if mlops was started in <directory>.' -rfa '(__mlops_complete_directories)'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops serve" host' -l 'host' -d 'The address to bind. Anything but loopback exposes the models: set --token too.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops serve" port' -l 'port' -d 'The port (0 picks a free one).' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops serve" split' -l 'split' -d 'Divide a model\'s traffic by weight, such as mpg@production=90,mpg@4=10.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops serve" token' -l 'token' -d 'Require Authorization: Bearer <token> (health probes excepted). Default: $MLOPS_SERVE_TOKEN.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops serve" sticky-header' -l 'sticky-header' -d 'The request header that keeps a client on one version of a split.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops serve" log-sample' -l 'log-sample' -d 'The share of requests written to the prediction log (0 turns it off).' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops serve" max-body' -l 'max-body' -d 'The largest request body, in MiB.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops serve" max-batch' -l 'max-batch' -d 'The most rows one request may hold.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops serve" poll' -l 'poll' -d 'How often to check the registry for moved aliases, in seconds.' -rfka ''
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops serve" version' -l 'version' -d 'Show the version.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops serve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mlops' -n '__mlops_should_offer_completions_for_flags_or_options "mlops help" version' -l 'version' -d 'Show the version.'
