/**
 * The longest delay or timeout, in ms, a Node.js timer takes (2^31 - 1, ~24.8 days): a longer one
 * fires after 1 ms, with a TimeoutOverflowWarning each time.
 */
export const MAX_TIMER_MILLIS = 2 ** 31 - 1;
