#!/bin/bash

__mlops_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__mlops_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__mlops_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__mlops_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_mlops() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __mlops_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    init|add|status|checkout|diff|ls|rm|mv|commit|gc|fsck|train|tune|predict|run|runs|log|validate|schema|eval|model|export|import|repro|dag|params|metrics|lineage|reproduce|remote|push|fetch|pull|hooks|serve|monitor|ui|help)
        # Offer subcommand argument completions
        "_mlops_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'init add status checkout diff ls rm mv commit gc fsck train tune predict run runs log validate schema eval model export import repro dag params metrics lineage reproduce remote push fetch pull hooks serve monitor ui help' -- "${cur}"))
        ;;
    esac
}

_mlops_init() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac
}

_mlops_add() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --desc)
    __mlops_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--desc')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __mlops_add_completions -f
        return
        ;;
    esac
}

_mlops_status() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --exit-code --remote --version -h --help)
    repeating_options=()
    non_repeating_options=(-C -r --remote-name)
    __mlops_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '-r'|'--remote-name')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __mlops_add_completions -f
        return
        ;;
    esac
}

_mlops_checkout() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --force -f --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --rev)
    __mlops_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--rev')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __mlops_add_completions -f
        return
        ;;
    esac
}

_mlops_diff() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __mlops_add_completions -f
        return
        ;;
    esac
}

_mlops_ls() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __mlops_add_completions -f
        return
        ;;
    esac
}

_mlops_rm() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __mlops_add_completions -f
        return
        ;;
    esac
}

_mlops_mv() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mlops_add_completions -f
        return
        ;;
    2)
        __mlops_add_completions -f
        return
        ;;
    esac
}

_mlops_commit() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __mlops_add_completions -f
        return
        ;;
    esac
}

_mlops_gc() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --dry-run -d --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac
}

_mlops_fsck() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --repair --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --remote -r)
    __mlops_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--remote'|'-r')
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion fsck -- --remote "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_mlops_train() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --list-params --version -h --help)
    repeating_options=(--feature --categorical --datetime --param)
    non_repeating_options=(-C --data --target --model --datetime-format --calendar --test-fraction --split --validation --schema --config --name --threads)
    __mlops_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--data')
        __mlops_add_completions -f
        return
        ;;
    '--target')
        return
        ;;
    '--model')
        __mlops_add_completions -W 'linear'$'\n''logistic'$'\n''gbdt'$'\n''forest'
        return
        ;;
    '--feature')
        return
        ;;
    '--categorical')
        return
        ;;
    '--datetime')
        return
        ;;
    '--datetime-format')
        return
        ;;
    '--calendar')
        return
        ;;
    '--param')
        return
        ;;
    '--test-fraction')
        return
        ;;
    '--split')
        return
        ;;
    '--validation')
        __mlops_add_completions -f
        return
        ;;
    '--schema')
        __mlops_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--config')
        __mlops_add_completions -f
        return
        ;;
    '--name')
        return
        ;;
    '--threads')
        return
        ;;
    esac
}

_mlops_tune() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=(--grid --random --feature --categorical --datetime --param)
    non_repeating_options=(-C --data --target --model --space --trials --folds --cv --gap --metric --datetime-format --calendar --test-fraction --split --validation --schema --name)
    __mlops_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--data')
        __mlops_add_completions -f
        return
        ;;
    '--target')
        return
        ;;
    '--model')
        __mlops_add_completions -W 'linear'$'\n''logistic'$'\n''gbdt'$'\n''forest'
        return
        ;;
    '--grid')
        return
        ;;
    '--random')
        return
        ;;
    '--space')
        __mlops_add_completions -f
        return
        ;;
    '--trials')
        return
        ;;
    '--folds')
        return
        ;;
    '--cv')
        return
        ;;
    '--gap')
        return
        ;;
    '--metric')
        return
        ;;
    '--feature')
        return
        ;;
    '--categorical')
        return
        ;;
    '--datetime')
        return
        ;;
    '--datetime-format')
        return
        ;;
    '--calendar')
        return
        ;;
    '--param')
        return
        ;;
    '--test-fraction')
        return
        ;;
    '--split')
        return
        ;;
    '--validation')
        __mlops_add_completions -f
        return
        ;;
    '--schema')
        __mlops_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--name')
        return
        ;;
    esac
}

_mlops_predict() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --bundle --data --output)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--bundle')
        __mlops_add_completions -o plusdirs -fX '!*.@(gz|tgz)'
        return
        ;;
    '--data')
        __mlops_add_completions -f
        return
        ;;
    '--output')
        __mlops_add_completions -f
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion predict -- positional@0 "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_mlops_run() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=(--input --output)
    non_repeating_options=(-C --name --params --metrics)
    __mlops_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--name')
        return
        ;;
    '--params')
        __mlops_add_completions -f
        return
        ;;
    '--metrics')
        __mlops_add_completions -f
        return
        ;;
    '--input')
        __mlops_add_completions -f
        return
        ;;
    '--output')
        __mlops_add_completions -f
        return
        ;;
    esac
}

_mlops_runs() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __mlops_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|show|compare|tag|delete)
        # Offer subcommand argument completions
        "_mlops_runs_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list show compare tag delete' -- "${cur}"))
        ;;
    esac
}

_mlops_runs_list() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --ascending --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --where --name --status --since-hours --sort --limit)
    __mlops_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--where')
        return
        ;;
    '--name')
        return
        ;;
    '--status')
        __mlops_add_completions -W 'running'$'\n''finished'$'\n''failed'$'\n''failed_gate'$'\n''killed'$'\n''dead'
        return
        ;;
    '--since-hours')
        return
        ;;
    '--sort')
        return
        ;;
    '--limit')
        return
        ;;
    esac
}

_mlops_runs_show() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion runs show -- positional@0 "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_mlops_runs_compare() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion runs compare -- positional@0 "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_mlops_runs_tag() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion runs tag -- positional@0 "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_mlops_runs_delete() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion runs delete -- positional@0 "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_mlops_log() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __mlops_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    metric|param|artifact)
        # Offer subcommand argument completions
        "_mlops_log_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'metric param artifact' -- "${cur}"))
        ;;
    esac
}

_mlops_log_metric() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --run --step)
    __mlops_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--run')
        return
        ;;
    '--step')
        return
        ;;
    esac
}

_mlops_log_param() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --run)
    __mlops_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--run')
        return
        ;;
    esac
}

_mlops_log_artifact() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --run --name)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--run')
        return
        ;;
    '--name')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mlops_add_completions -f
        return
        ;;
    esac
}

_mlops_validate() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --schema --model --tolerance)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--schema')
        __mlops_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--model')
        return
        ;;
    '--tolerance')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mlops_add_completions -f
        return
        ;;
    esac
}

_mlops_schema() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __mlops_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    infer)
        # Offer subcommand argument completions
        "_mlops_schema_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'infer' -- "${cur}"))
        ;;
    esac
}

_mlops_schema_infer() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --force --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --model --tolerance --output -o)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--model')
        return
        ;;
    '--tolerance')
        return
        ;;
    '--output'|'-o')
        __mlops_add_completions -f
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mlops_add_completions -f
        return
        ;;
    esac
}

_mlops_eval() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=(--gate --max-regression --categorical)
    non_repeating_options=(-C --data --baseline)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--data')
        __mlops_add_completions -f
        return
        ;;
    '--gate')
        return
        ;;
    '--baseline')
        return
        ;;
    '--max-regression')
        return
        ;;
    '--categorical')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion eval -- positional@0 "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_mlops_model() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __mlops_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    register|list|show|promote|rollback|history|tag|delete|fetch)
        # Offer subcommand argument completions
        "_mlops_model_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'register list show promote rollback history tag delete fetch' -- "${cur}"))
        ;;
    esac
}

_mlops_model_register() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --offline --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --name --artifact --features --target --reference --metrics-from)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--name')
        return
        ;;
    '--artifact')
        return
        ;;
    '--features')
        return
        ;;
    '--target')
        return
        ;;
    '--reference')
        __mlops_add_completions -f
        return
        ;;
    '--metrics-from')
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion model register -- --metrics-from "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_mlops_model_list() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac
}

_mlops_model_show() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion model show -- positional@0 "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_mlops_model_promote() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --git-tag --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --to --reason)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--to')
        return
        ;;
    '--reason')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion model promote -- positional@0 "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_mlops_model_rollback() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --skip-gates --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --alias --reason)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--alias')
        return
        ;;
    '--reason')
        return
        ;;
    esac
}

_mlops_model_history() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac
}

_mlops_model_tag() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion model tag -- positional@0 "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_mlops_model_delete() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion model delete -- positional@0 "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_mlops_model_fetch() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --remote --endpoint-url --region --output)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--remote')
        return
        ;;
    '--endpoint-url')
        return
        ;;
    '--region')
        return
        ;;
    '--output')
        __mlops_add_completions -o plusdirs -fX '!*.@(gz)'
        return
        ;;
    esac
}

_mlops_export() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --format --output)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--format')
        __mlops_add_completions -W 'bundle'$'\n''onnx'
        return
        ;;
    '--output')
        __mlops_add_completions -f
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion export -- positional@0 "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_mlops_import() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --name)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--name')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mlops_add_completions -f
        return
        ;;
    esac
}

_mlops_repro() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --force -f --dry-run --keep-going --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --jobs -j)
    __mlops_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--jobs'|'-j')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion repro -- positional@0 "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_mlops_dag() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --mermaid --dot --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac
}

_mlops_params() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __mlops_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    diff)
        # Offer subcommand argument completions
        "_mlops_params_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'diff' -- "${cur}"))
        ;;
    esac
}

_mlops_params_diff() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --md --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac
}

_mlops_metrics() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __mlops_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    show|diff)
        # Offer subcommand argument completions
        "_mlops_metrics_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'show diff' -- "${cur}"))
        ;;
    esac
}

_mlops_metrics_show() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --rev)
    __mlops_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--rev')
        return
        ;;
    esac
}

_mlops_metrics_diff() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --md --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac
}

_mlops_lineage() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --mermaid --dot --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mlops_add_completions -f
        return
        ;;
    esac
}

_mlops_reproduce() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --search --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --remote --threads)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--remote')
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion reproduce -- --remote "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    '--threads')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion reproduce -- positional@0 "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_mlops_remote() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __mlops_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|list|remove|default)
        # Offer subcommand argument completions
        "_mlops_remote_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add list remove default' -- "${cur}"))
        ;;
    esac
}

_mlops_remote_add() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --path-style --default --force -f --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --endpoint-url --region --access-key-id --secret-access-key)
    __mlops_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--endpoint-url')
        return
        ;;
    '--region')
        return
        ;;
    '--access-key-id')
        return
        ;;
    '--secret-access-key')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    2)
        __mlops_add_completions -d
        return
        ;;
    esac
}

_mlops_remote_list() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac
}

_mlops_remote_remove() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion remote remove -- positional@0 "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_mlops_remote_default() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion remote default -- positional@0 "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_mlops_push() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --run-cache --metadata --no-metadata --verify --force --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --remote -r --jobs -j)
    __mlops_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--remote'|'-r')
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion push -- --remote "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    '--jobs'|'-j')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __mlops_add_completions -f
        return
        ;;
    esac
}

_mlops_fetch() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --run-cache --metadata --no-metadata --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --remote -r --jobs -j)
    __mlops_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--remote'|'-r')
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion fetch -- --remote "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    '--jobs'|'-j')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __mlops_add_completions -f
        return
        ;;
    esac
}

_mlops_pull() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --run-cache --metadata --no-metadata --force -f --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --remote -r --jobs -j)
    __mlops_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--remote'|'-r')
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion pull -- --remote "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    '--jobs'|'-j')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __mlops_add_completions -f
        return
        ;;
    esac
}

_mlops_hooks() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __mlops_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    install|uninstall|run)
        # Offer subcommand argument completions
        "_mlops_hooks_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'install uninstall run' -- "${cur}"))
        ;;
    esac
}

_mlops_hooks_install() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --chain --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac
}

_mlops_hooks_uninstall() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac
}

_mlops_hooks_run() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C)
    __mlops_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    esac
}

_mlops_serve() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --follow-remote --version -h --help)
    repeating_options=(--bundle)
    non_repeating_options=(-C --host --port --split --token --sticky-header --log-sample --max-body --max-batch --poll --remote-poll --header-timeout --body-timeout --idle-timeout --max-connections --drift-window --drift-interval --validate --schema)
    __mlops_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--bundle')
        __mlops_add_completions -o plusdirs -fX '!*.@(gz|tgz)'
        return
        ;;
    '--host')
        return
        ;;
    '--port')
        return
        ;;
    '--split')
        return
        ;;
    '--token')
        return
        ;;
    '--sticky-header')
        return
        ;;
    '--log-sample')
        return
        ;;
    '--max-body')
        return
        ;;
    '--max-batch')
        return
        ;;
    '--poll')
        return
        ;;
    '--remote-poll')
        return
        ;;
    '--header-timeout')
        return
        ;;
    '--body-timeout')
        return
        ;;
    '--idle-timeout')
        return
        ;;
    '--max-connections')
        return
        ;;
    '--drift-window')
        return
        ;;
    '--drift-interval')
        return
        ;;
    '--validate')
        return
        ;;
    '--schema')
        __mlops_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion serve -- positional@0 "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_mlops_monitor() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __mlops_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    drift|quality|compare|check|report)
        # Offer subcommand argument completions
        "_mlops_monitor_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'drift quality compare check report' -- "${cur}"))
        ;;
    esac
}

_mlops_monitor_drift() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=(--categorical)
    non_repeating_options=(-C --reference --current --since --until --target)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--reference')
        __mlops_add_completions -f
        return
        ;;
    '--current')
        __mlops_add_completions -f
        return
        ;;
    '--since')
        return
        ;;
    '--until')
        return
        ;;
    '--target')
        return
        ;;
    '--categorical')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion monitor drift -- positional@0 "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_mlops_monitor_quality() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --since --until)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--since')
        return
        ;;
    '--until')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion monitor quality -- positional@0 "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_mlops_monitor_compare() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --since --until --metric)
    __mlops_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--since')
        return
        ;;
    '--until')
        return
        ;;
    '--metric')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion monitor compare -- positional@0 "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    2)
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion monitor compare -- positional@1 "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_mlops_monitor_check() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --retrain --dry-run --always-alert --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --current --since --until --webhook --exec --challenger --promote-if)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--current')
        __mlops_add_completions -f
        return
        ;;
    '--since')
        return
        ;;
    '--until')
        return
        ;;
    '--webhook')
        return
        ;;
    '--exec')
        return
        ;;
    '--challenger')
        return
        ;;
    '--promote-if')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion monitor check -- positional@0 "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_mlops_monitor_report() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=(--categorical)
    non_repeating_options=(-C --reference --current --since --until --target --output)
    __mlops_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--reference')
        __mlops_add_completions -f
        return
        ;;
    '--current')
        __mlops_add_completions -f
        return
        ;;
    '--since')
        return
        ;;
    '--until')
        return
        ;;
    '--target')
        return
        ;;
    '--categorical')
        return
        ;;
    '--output')
        __mlops_add_completions -f
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __mlops_add_completions -W "$(__mlops_custom_complete ---completion monitor report -- positional@0 "${COMP_CWORD}" "$(__mlops_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_mlops_ui() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --host --port --token --max-connections)
    __mlops_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-C')
        __mlops_add_completions -d
        return
        ;;
    '--host')
        return
        ;;
    '--port')
        return
        ;;
    '--token')
        return
        ;;
    '--max-connections')
        return
        ;;
    esac
}

_mlops_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __mlops_offer_flags_options -1
}

complete -o filenames -F _mlops mlops
