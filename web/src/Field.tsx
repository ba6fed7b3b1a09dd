import { useId, type ReactNode, type SelectHTMLAttributes } from 'react';

/**
 * A select with its own label element: wrapped in a label, a select's options would become part
 * of the label's text (and of its accessible name).
 */
export function SelectField({
  label,
  children,
  ...rest
}: SelectHTMLAttributes<HTMLSelectElement> & { label: string; children: ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} {...rest}>
        {children}
      </select>
    </div>
  );
}
