"""The terminal prompter: questionary. The only module that imports questionary."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence

import questionary
import questionary.prompts.confirm as _confirm
from prompt_toolkit.styles import Style

from xsk.prompts.base import PartialText, Validator

# questionary prints its own English around a yes/no question ("(Y/n)", then "Yes"/"No"):
# the names its confirm prompt reads are set to Chinese once, here (the keys stay y and n)
_confirm.YES, _confirm.NO = "是", "否"
_confirm.YES_OR_NO, _confirm.NO_OR_YES = "（Y 是 / n 否）", "（y 是 / N 否）"

_STYLE = Style.from_dict({"qmark": "fg:#d70000 bold", "question": "bold", "answer": "fg:#005f87"})


def _style() -> Style | None:
    return None if os.environ.get("NO_COLOR") else _STYLE


def _ask(question: questionary.Question):
    answer = question.unsafe_ask()  # raises KeyboardInterrupt on Ctrl-C
    return answer


def _keep_text_on_ctrl_c(q: questionary.Question) -> None:
    """Ctrl-C raises :class:`PartialText` with the text typed so far (the last binding of a
    key wins in prompt_toolkit, so this one comes after questionary's own)."""
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    kb = KeyBindings()

    @kb.add("c-c", eager=True)
    def _(event) -> None:
        event.app.exit(exception=PartialText(event.app.current_buffer.text))

    app = q.application
    app.key_bindings = merge_key_bindings([app.key_bindings, kb]) if app.key_bindings else kb


class TerminalPrompter:
    interactive = True

    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(highlight=False)

    def text(
        self,
        message: str,
        *,
        default: str = "",
        validate: Validator | None = None,
        multiline: bool = False,
        instruction: str = "",
    ) -> str:
        def check(value: str) -> bool | str:
            if validate is None:
                return True
            err = validate(value)
            return err if err else True

        q = questionary.text(
            message,
            default=default,
            validate=check,
            multiline=multiline,
            instruction=instruction or ("（Esc 然后回车 结束输入）" if multiline else None),
            style=_style(),
            qmark="?",
        )
        _keep_text_on_ctrl_c(q)
        return _ask(q)

    def select(self, message: str, choices: Sequence[str], *, default: str | None = None) -> str:
        # questionary's search filter only takes ASCII keys: it serves lists whose entries
        # start with a case or meeting number; other lists get number/letter shortcuts.
        ascii_keys = all(c[:1].isascii() and c[:1].isalnum() for c in choices[1:-1] or choices)
        search = len(choices) > 8 and ascii_keys
        shortcuts = not search and len(choices) <= 36
        hint = "（↑↓ 或编号选择，回车确认）" if shortcuts else "（↑↓ 选择，回车确认）"
        if search:
            hint = "（↑↓ 选择，输入编号筛选，回车确认）"
        # "5 很满意 … 1 很不满意": the key is the number the entry starts with, not its place
        keyed = [c.split(" ", 1)[0] for c in choices]
        if (
            shortcuts
            and all(k.isdigit() and len(k) == 1 for k in keyed)
            and len(set(keyed)) == len(keyed)
        ):
            listed: list = [
                questionary.Choice(c, shortcut_key=k) for c, k in zip(choices, keyed, strict=True)
            ]
            hint = "（按数字或 ↑↓ 选择，回车确认）"
        else:
            listed = list(choices)
        q = questionary.select(
            message,
            choices=listed,
            default=default if default in choices else None,
            style=_style(),
            use_search_filter=search,
            use_jk_keys=False,
            use_shortcuts=shortcuts,
            instruction=hint,
        )
        return _ask(q)

    def checkbox(
        self, message: str, choices: Sequence[str], *, default: Iterable[str] = ()
    ) -> list[str]:
        chosen = set(default)
        q = questionary.checkbox(
            message,
            choices=[questionary.Choice(c, checked=c in chosen) for c in choices],
            style=_style(),
            instruction="（空格勾选，回车确认）",
        )
        picked = list(_ask(q))
        if sys.stdout.isatty():  # questionary's own "done" / "done (N selections)", in Chinese
            said = f"已选 {len(picked)} 项：{'、'.join(picked)}" if picked else "未选择"
            sys.stdout.write(f"\x1b[1A\r\x1b[2K? {message} {said}\n")
            sys.stdout.flush()
        return picked

    def confirm(self, message: str, *, default: bool = True) -> bool:
        return bool(_ask(questionary.confirm(message, default=default, style=_style())))

    def say(self, message: str) -> None:
        self.console.print(message)
