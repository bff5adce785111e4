// @vitest-environment jsdom
import { isTyping } from '../../src/ui/keyboard.ts';

/** A `j` pressed with this element focused. */
function pressOn(element: HTMLElement, init: KeyboardEventInit = {}): KeyboardEvent {
  document.body.append(element);
  let heard: KeyboardEvent | undefined;
  element.addEventListener('keydown', (event) => (heard = event));
  element.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true, ...init }));
  element.remove();
  return heard!;
}

function input(type: string): HTMLInputElement {
  const element = document.createElement('input');
  element.type = type;
  return element;
}

describe('isTyping', () => {
  it('is true in a field that takes text: a text or search box, a date, a text area, a select, editable content', () => {
    const editable = document.createElement('div');
    editable.contentEditable = 'true';
    for (const element of [input('text'), input('search'), input('date'), document.createElement('textarea'), document.createElement('select')]) {
      expect(isTyping(pressOn(element)), element.outerHTML).toBe(true);
    }
    // jsdom does not implement isContentEditable: the element says so itself here.
    Object.defineProperty(editable, 'isContentEditable', { value: true });
    expect(isTyping(pressOn(editable))).toBe(true);
  });

  it('is false on a checkbox, a radio button or a button: j and k go on moving the list', () => {
    for (const element of [input('checkbox'), input('radio'), document.createElement('button'), document.createElement('a')]) {
      expect(isTyping(pressOn(element)), element.outerHTML).toBe(false);
    }
  });

  it('is true with a modifier held, wherever the focus is', () => {
    expect(isTyping(pressOn(input('checkbox'), { ctrlKey: true }))).toBe(true);
    expect(isTyping(pressOn(document.createElement('button'), { altKey: true }))).toBe(true);
  });
});
