import type { Layout } from '../api/types';
import type { SeatStatus } from './seatStore';

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}
const byLabel = (a: string, b: string) => Number(a) - Number(b) || a.localeCompare(b);

/** Seats built per task: the first batch is on screen at once, the rest follow without blocking input. */
const SEATS_PER_TASK = 2_500;

type RowPlan = { group: HTMLElement; label: string; prefix: string; seats: number[] };

/**
 * The seat buttons of one event, built once and patched one attribute at a time afterwards.
 * Seats are buttons named "Section S, row R, seat N"; one of them is in the tab order at a
 * time, arrows move between them. A big map is built in tasks of a few thousand seats, so the
 * first rows show at once and the page answers input meanwhile (`done` resolves when all are in).
 */
export class SeatGrid {
  /** by layout index (a seat not built yet is missing) */
  readonly buttons: HTMLButtonElement[];
  readonly done: Promise<void>;
  private readonly indexOf = new WeakMap<Element, number>();
  private readonly pressed = new Set<number>();
  private readonly mine = new Set<number>();
  private focused: HTMLButtonElement | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly root: HTMLElement,
    layout: Layout,
    status: (index: number) => SeatStatus,
    onToggle: (index: number) => void,
  ) {
    const rowsBySection = new Map<string, Map<string, number[]>>(layout.sections.map((s) => [s.name, new Map()]));
    layout.seats.forEach((seat, i) => {
      let rows = rowsBySection.get(seat.section);
      if (!rows) rowsBySection.set(seat.section, (rows = new Map()));
      const row = rows.get(seat.row);
      if (row) row.push(i);
      else rows.set(seat.row, [i]);
    });
    const price = new Map(layout.sections.map((s) => [s.name, s.priceCents]));
    const plan: RowPlan[] = [];
    const page = document.createDocumentFragment();
    for (const [section, rows] of rowsBySection) {
      const block = element('section', 'seat-section');
      const heading = element('h3', '', `Section ${section}`);
      const cents = price.get(section);
      if (cents !== undefined) heading.append(' ', element('span', 'price', `$${(cents / 100).toFixed(2)}`));
      const group = element('div', 'seat-rows');
      group.setAttribute('role', 'group');
      group.setAttribute('aria-label', `Section ${section}`);
      let widest = 0;
      for (const label of [...rows.keys()].sort(byLabel)) {
        const seats = rows.get(label)!.sort((a, b) => byLabel(layout.seats[a]!.number, layout.seats[b]!.number));
        widest = Math.max(widest, seats.length);
        plan.push({ group, label, prefix: `Section ${section}, row ${label}, seat `, seats });
      }
      // Rows off screen skip layout (content-visibility); this is the width they reserve meanwhile.
      group.style.setProperty('--seats', String(widest));
      block.append(heading, group);
      page.append(block);
    }
    this.buttons = new Array<HTMLButtonElement>(layout.seats.length);
    // One template per status, cloned: far cheaper than parsing 10,000 buttons from HTML.
    const templates = new Map<SeatStatus, HTMLButtonElement>();
    const template = (state: SeatStatus) => {
      let t = templates.get(state);
      if (!t) {
        t = document.createElement('button');
        t.type = 'button';
        t.className = 'seat';
        t.tabIndex = -1;
        t.setAttribute('aria-pressed', 'false');
        t.setAttribute('data-status', state);
        templates.set(state, t);
      }
      return t;
    };
    let next = 0;
    const buildSome = () => {
      let built = 0;
      while (next < plan.length && built < SEATS_PER_TASK) {
        const { group, label, prefix, seats } = plan[next++]!;
        const row = element('div', 'seat-row');
        const rowLabel = element('span', 'row-label', label);
        rowLabel.setAttribute('aria-hidden', 'true');
        row.append(rowLabel);
        for (const i of seats) {
          const button = template(status(i)).cloneNode() as HTMLButtonElement;
          button.setAttribute('aria-label', prefix + layout.seats[i]!.number);
          if (this.pressed.has(i)) button.setAttribute('aria-pressed', 'true');
          if (this.mine.has(i)) button.setAttribute('data-mine', 'true');
          this.buttons[i] = button;
          this.indexOf.set(button, i);
          row.append(button);
        }
        group.append(row);
        built += seats.length;
      }
    };
    buildSome();
    root.replaceChildren(page);
    this.done = new Promise((resolve) => {
      const more = () => {
        if (next >= plan.length) return resolve();
        buildSome();
        this.timer = setTimeout(more, 0);
      };
      this.timer = setTimeout(more, 0);
    });
    const first = root.querySelector<HTMLButtonElement>('button.seat');
    if (first) this.makeFocusable(first);

    root.addEventListener('click', (e) => {
      const button = (e.target as Element).closest<HTMLButtonElement>('button.seat');
      if (!button) return;
      this.makeFocusable(button);
      const index = this.indexOf.get(button);
      if (index !== undefined) onToggle(index);
    });
    root.addEventListener('keydown', (e) => this.move(e));
  }

  setStatus(index: number, status: SeatStatus) {
    this.buttons[index]?.setAttribute('data-status', status);
  }

  setPressed(index: number, pressed: boolean) {
    if (pressed) this.pressed.add(index);
    else this.pressed.delete(index);
    this.buttons[index]?.setAttribute('aria-pressed', String(pressed));
  }

  /** Seats of the buyer's own hold look different from others' holds. */
  setMine(index: number, mine: boolean) {
    if (mine) this.mine.add(index);
    else this.mine.delete(index);
    const button = this.buttons[index];
    if (!button) return;
    if (mine) button.setAttribute('data-mine', 'true');
    else button.removeAttribute('data-mine');
  }

  destroy() {
    clearTimeout(this.timer);
    this.root.replaceChildren();
  }

  private makeFocusable(button: HTMLButtonElement) {
    if (this.focused === button) return;
    this.focused?.setAttribute('tabindex', '-1');
    button.setAttribute('tabindex', '0');
    this.focused = button;
  }

  private move(e: KeyboardEvent) {
    const button = (e.target as Element).closest<HTMLButtonElement>('button.seat');
    if (!button) return;
    const row = button.parentElement!;
    const inRow = [...row.querySelectorAll<HTMLButtonElement>('button.seat')];
    const at = inRow.indexOf(button);
    let next: HTMLButtonElement | undefined;
    if (e.key === 'ArrowRight') next = inRow[at + 1];
    else if (e.key === 'ArrowLeft') next = inRow[at - 1];
    else if (e.key === 'Home') next = inRow[0];
    else if (e.key === 'End') next = inRow[inRow.length - 1];
    else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const rows = [...this.root.querySelectorAll<HTMLElement>('.seat-row')];
      const target = rows[rows.indexOf(row) + (e.key === 'ArrowDown' ? 1 : -1)];
      const seats = target?.querySelectorAll<HTMLButtonElement>('button.seat');
      if (seats && seats.length > 0) next = seats[Math.min(at, seats.length - 1)];
    } else return;
    e.preventDefault();
    if (!next) return;
    this.makeFocusable(next);
    next.focus();
  }
}
