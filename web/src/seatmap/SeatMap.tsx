import { useEffect, useLayoutEffect, useRef } from 'react';
import { SeatGrid } from './seatGrid';
import type { SeatStore } from './seatStore';

interface Props {
  store: SeatStore;
  /** layout indices the buyer picked */
  selected: ReadonlySet<number>;
  /** layout indices of the buyer's own hold */
  mine: ReadonlySet<number>;
  onToggle(index: number): void;
}

/**
 * The live seat map. The buttons are made once per event and patched in place: a live change
 * touches only the seats it names. Timings go to the Performance API: `seatmap-render` (the
 * first batch of seats on screen, with the style and layout it causes), `seatmap-complete`
 * (every seat in, idle gaps included) and `seatmap-live-update` (one batch of changes, with its
 * style and layout).
 */
export function SeatMap({ store, selected, mine, onToggle }: Props) {
  const root = useRef<HTMLDivElement>(null);
  const grid = useRef<SeatGrid | null>(null);
  const toggle = useRef(onToggle);
  toggle.current = onToggle;
  const shown = useRef({ selected: new Set<number>(), mine: new Set<number>() });

  useLayoutEffect(() => {
    const element = root.current!;
    performance.mark('seatmap-render-start');
    const built = new SeatGrid(
      element,
      store.layout,
      (i) => store.status(i),
      (i) => toggle.current(i),
    );
    performance.measure('seatmap-build', 'seatmap-render-start');
    void element.offsetHeight;
    performance.measure('seatmap-render', 'seatmap-render-start');
    void built.done.then(() => performance.measure('seatmap-complete', 'seatmap-render-start'));
    grid.current = built;
    shown.current = { selected: new Set(), mine: new Set() };
    const unsubscribe = store.subscribe((changed) => {
      const started = performance.now();
      const indices = changed ?? built.buttons.map((_, i) => i);
      for (const i of indices) built.setStatus(i, store.status(i));
      void element.offsetHeight;
      performance.measure('seatmap-live-update', {
        start: started,
        end: performance.now(),
        detail: { seats: indices.length },
      });
    });
    store.connect();
    return () => {
      unsubscribe();
      built.destroy();
      grid.current = null;
    };
  }, [store]);

  useEffect(() => {
    const g = grid.current;
    if (!g) return;
    sync(shown.current.selected, selected, (i, on) => g.setPressed(i, on));
    sync(shown.current.mine, mine, (i, on) => g.setMine(i, on));
  }, [selected, mine, store]);

  // Small venues get bigger seats (easier to tap); 10,000 seats stay compact.
  return <div ref={root} className={store.layout.seats.length <= 2_000 ? 'seat-map roomy' : 'seat-map'} />;
}

/** Brings the shown set to the wanted one, touching only the seats that differ. */
function sync(shown: Set<number>, wanted: ReadonlySet<number>, set: (index: number, on: boolean) => void) {
  for (const i of shown)
    if (!wanted.has(i)) {
      set(i, false);
      shown.delete(i);
    }
  for (const i of wanted)
    if (!shown.has(i)) {
      set(i, true);
      shown.add(i);
    }
}
