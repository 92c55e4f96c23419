import { useState } from 'preact/hooks';
import type { ControlProps } from './form';

export interface Choice {
  id: string;
  /** What a person knows it by (a device's name); the id is shown next to it. */
  name: string;
}

const MAX_SHOWN = 50;

/**
 * A text input that offers the API's choices below it, filtered by what is typed (id or name); the id is what
 * the input holds and what is sent, and each option shows it. An id not in the list may still be typed (a
 * template named before its first device). Keyboard: arrows move, Enter picks, Escape closes.
 */
export function Picker(props: {
  control: ControlProps;
  value: string;
  choices: Choice[];
  onChange: (id: string) => void;
  placeholder?: string;
}) {
  const { control, value, choices, onChange } = props;
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const typed = value.trim().toLowerCase();
  const shown = choices
    .filter((c) => !typed || c.id.toLowerCase().includes(typed) || c.name.toLowerCase().includes(typed))
    .slice(0, MAX_SHOWN);
  const listId = `${control.id}-list`;
  const pick = (c: Choice) => {
    onChange(c.id);
    setOpen(false);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setOpen(true);
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((a) => (shown.length ? (a + step + shown.length) % shown.length : 0));
    } else if (e.key === 'Enter' && open && shown[active]) {
      e.preventDefault();
      pick(shown[active]);
    } else if (e.key === 'Escape') setOpen(false);
  };
  return (
    <div class="picker-box">
      <input
        {...control}
        role="combobox"
        autocomplete="off"
        aria-autocomplete="list"
        aria-expanded={open && shown.length > 0}
        aria-controls={listId}
        aria-activedescendant={open && shown[active] ? `${listId}-${active}` : undefined}
        value={value}
        placeholder={props.placeholder}
        onInput={(e) => {
          onChange((e.currentTarget as HTMLInputElement).value);
          setOpen(true);
          setActive(0);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKey}
      />
      {open && shown.length > 0 && (
        <ul class="picker-list" id={listId} role="listbox">
          {shown.map((c, i) => (
            <li
              key={c.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              data-id={c.id}
              // mousedown, not click: it comes before the input's blur closes the list.
              onMouseDown={(e) => {
                e.preventDefault();
                pick(c);
              }}
            >
              <span class="picker-name">{c.name}</span> <code class="picker-id">{c.id}</code>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
