/**
 * The demo backlog's story: "Shopfront", an online shop whose squad ships a lot while cart drop-off stays
 * flat. Some items are bets on outcomes, many are recipes, chores and zombies, as in a real backlog. All
 * dates are days relative to the seeding moment, so the demo never ages.
 *
 * Conventions: `ago` counts days before now, `in` days after; people are demo user names.
 */
import type { Direction, OutcomeStatus, Result } from '../../src/domain/schemas';

export type Person = 'admin' | 'member';
export type DemoStatus = 'To Do' | 'In Progress' | 'In Review' | 'Done';
export type DemoType = 'Epic' | 'Story' | 'Bug' | 'Task';

export interface DemoSprint {
  id: number;
  name: string;
  state: 'closed' | 'active' | 'future';
  /** Start and end, in days relative to now (negative: in the past). */
  start: number;
  end: number;
}

export interface DemoOutcome {
  id: string;
  name: string;
  metric: string;
  baseline: number;
  target: number;
  unit: string;
  direction: Direction;
  /** Due date, days from now (negative: past). */
  dueIn: number;
  owner: Person;
  status: OutcomeStatus;
  /** Measured values, oldest first: [days ago, value, note?]. */
  history: Array<[number, number, string?]>;
}

export interface DemoLens {
  persona?: string;
  intent?: string;
  benefit?: string;
  expected?: {
    metric: string;
    baseline?: number;
    target?: number;
    unit?: string;
    direction?: Direction;
    /** Days from now. */
    checkByIn?: number;
  };
  outcome?: string;
  kill?: {
    deadlineIn?: number;
    threshold?: { metric: string; comparison: 'atLeast' | 'atMost'; value: number; byIn: number };
    maxIdleDays?: number;
    maxSprintsCarried?: number;
    condition?: { text: string; reviewIn: number };
  };
  result?: Result;
  /** When the PO wrote it, days ago (defaults to a day after the item was created). */
  writtenAgo?: number;
}

export interface DemoComment {
  by: Person;
  ago: number;
  text: string;
}

export interface DemoItem {
  /** Local handle; epics are referenced by it. */
  ref: string;
  type: DemoType;
  summary: string;
  description?: string;
  status: DemoStatus;
  epic?: string;
  reporter: Person;
  assignee?: Person;
  created: number;
  /** Last touch by a person (an edit), days ago; comments and transitions count too. */
  touched?: number;
  /** Indexes into DEMO_SPRINTS. */
  sprints?: number[];
  labels?: string[];
  priority?: 'Highest' | 'High' | 'Medium' | 'Low';
  points?: number;
  lens?: DemoLens;
  comments?: DemoComment[];
  /** Days ago the item started and (for Done) finished; drives the status changelog. */
  startedAgo?: number;
  doneAgo?: number;
  resolution?: string;
}

export const DEMO_PROJECT_NAME = 'Shopfront';

export const DEMO_SPRINTS: readonly DemoSprint[] = [
  { id: 121, name: 'Shopfront Sprint 21', state: 'closed', start: -60, end: -46 },
  { id: 122, name: 'Shopfront Sprint 22', state: 'closed', start: -46, end: -32 },
  { id: 123, name: 'Shopfront Sprint 23', state: 'closed', start: -32, end: -18 },
  { id: 124, name: 'Shopfront Sprint 24', state: 'closed', start: -18, end: -4 },
  { id: 125, name: 'Shopfront Sprint 25', state: 'active', start: -4, end: 10 },
  { id: 126, name: 'Shopfront Sprint 26', state: 'future', start: 10, end: 24 },
];

export const DEMO_OUTCOMES: readonly DemoOutcome[] = [
  {
    id: 'fewer-abandoned-carts',
    name: 'Fewer abandoned carts',
    metric: 'cart drop-off rate',
    baseline: 40,
    target: 30,
    unit: '%',
    direction: 'decrease',
    dueIn: 100,
    owner: 'admin',
    status: 'active',
    history: [
      [180, 40.2, 'Baseline from the Q1 funnel report'],
      [150, 40.6],
      [120, 39.8],
      [90, 38.9, 'Guest checkout live'],
      [60, 37.4],
      [30, 36.1, 'Shipping cost shown in the cart'],
      [5, 35.2],
    ],
  },
  {
    id: 'faster-checkout',
    name: 'Faster checkout',
    metric: 'p75 checkout time',
    baseline: 95,
    target: 60,
    unit: 's',
    direction: 'decrease',
    dueIn: 45,
    owner: 'admin',
    status: 'active',
    history: [
      [170, 95],
      [140, 93],
      [110, 88, 'Address autocomplete'],
      [80, 81],
      [50, 77],
      [20, 72, 'Saved cards for returning shoppers'],
      [3, 70],
    ],
  },
  {
    id: 'more-returning-shoppers',
    name: 'More returning shoppers',
    metric: '90-day return rate',
    baseline: 18,
    target: 25,
    unit: '%',
    direction: 'increase',
    dueIn: 160,
    owner: 'admin',
    status: 'active',
    history: [
      [150, 18.1],
      [120, 18.0],
      [90, 18.6],
      [60, 19.0, 'Wishlist reminders'],
      [30, 19.3],
      [7, 19.8],
    ],
  },
  {
    id: 'search-finds-it',
    name: 'Shoppers find what they search for',
    metric: 'search-to-basket rate',
    baseline: 12,
    target: 15,
    unit: '%',
    direction: 'increase',
    dueIn: -20,
    owner: 'admin',
    status: 'achieved',
    history: [
      [200, 12.0],
      [170, 12.4],
      [140, 13.1, 'Typo tolerance'],
      [110, 13.9],
      [80, 14.6],
      [50, 15.3, 'Synonyms for sizes and colours'],
    ],
  },
];

const EXPECT_DROP_OFF = {
  metric: 'cart drop-off rate',
  baseline: 40,
  target: 30,
  unit: '%',
  direction: 'decrease',
} as const;
const EXPECT_CHECKOUT = {
  metric: 'p75 checkout time',
  baseline: 95,
  target: 60,
  unit: 's',
  direction: 'decrease',
} as const;
const EXPECT_RETURNS = {
  metric: '90-day return rate',
  baseline: 18,
  target: 25,
  unit: '%',
  direction: 'increase',
} as const;

export const DEMO_ITEMS: readonly DemoItem[] = [
  // ---- Epic: the cart ---------------------------------------------------------------------------------
  {
    ref: 'E-CART',
    type: 'Epic',
    summary: 'Keep the cart alive',
    description:
      'Four in ten shoppers who put something in the cart leave without buying. Exit surveys say: surprise shipping costs, no way to come back to a cart later, and having to create an account.\nThis epic holds our bets on the cart.',
    status: 'In Progress',
    reporter: 'admin',
    assignee: 'admin',
    created: 170,
    touched: 6,
    lens: {
      persona: 'shopper',
      intent: 'keep what I picked until I am ready to pay',
      benefit: 'I do not have to search for it all again',
      expected: { ...EXPECT_DROP_OFF, checkByIn: 100 },
      outcome: 'fewer-abandoned-carts',
    },
  },
  {
    ref: 'C1',
    type: 'Story',
    summary: 'Bookmark items in the cart to finish later',
    description:
      'As a shopper, I want to bookmark items in the cart, so that I can come back later and finish my shopping.\nWe expect this to reduce our 40 percent drop-off rate to 34 percent by the end of the quarter.',
    status: 'In Progress',
    epic: 'E-CART',
    reporter: 'admin',
    assignee: 'member',
    created: 40,
    touched: 2,
    sprints: [3, 4],
    points: 5,
    startedAgo: 10,
    lens: {
      persona: 'shopper',
      intent: 'bookmark items in the cart',
      benefit: 'I can come back later and finish my shopping',
      expected: { ...EXPECT_DROP_OFF, target: 34, checkByIn: 60 },
      outcome: 'fewer-abandoned-carts',
      kill: {
        threshold: { metric: 'cart drop-off rate', comparison: 'atMost', value: 37, byIn: 60 },
        maxSprintsCarried: 3,
      },
    },
    comments: [
      {
        by: 'member',
        ago: 8,
        text: 'Spike done: we can keep bookmarks for signed-in shoppers in the basket service. Guests need a cookie and a sign-in prompt later.',
      },
      {
        by: 'admin',
        ago: 7,
        text: 'Good. Start with signed-in shoppers; they are 60% of abandoned carts by value.',
      },
    ],
  },
  {
    ref: 'C2',
    type: 'Story',
    summary: 'Save for Later button on the cart',
    description:
      'Create a Save for Later button on the shopping cart screen. Make it blue and put it in the upper right hand corner.',
    status: 'To Do',
    epic: 'E-CART',
    reporter: 'member',
    created: 52,
    touched: 30,
    priority: 'High',
    comments: [
      {
        by: 'admin',
        ago: 30,
        text: 'What problem does this solve for the shopper? C1 covers the need; shall we close this one?',
      },
    ],
  },
  {
    ref: 'C3',
    type: 'Story',
    summary: 'Show shipping costs in the cart, before checkout',
    description:
      'As a first-time shopper, I want to see the shipping cost while I look at my cart, so that I am not surprised at the last step.\nExit survey: 31% of leavers name "unexpected shipping cost".',
    status: 'Done',
    epic: 'E-CART',
    reporter: 'admin',
    assignee: 'member',
    created: 95,
    sprints: [0, 1],
    points: 3,
    startedAgo: 55,
    doneAgo: 33,
    lens: {
      persona: 'first-time shopper',
      intent: 'see the shipping cost while I look at my cart',
      benefit: 'I am not surprised at the last step',
      expected: { ...EXPECT_DROP_OFF, target: 36, checkByIn: -5 },
      outcome: 'fewer-abandoned-carts',
      kill: { deadlineIn: -20 },
      result: {
        verdict: 'validated',
        evidence:
          'Drop-off fell from 37.4% to 36.1% in the month after release; the A/B test showed 2.1 points.',
        measuredValue: 36.1,
      },
    },
    comments: [{ by: 'member', ago: 33, text: 'Released behind the flag, 100% rollout.' }],
  },
  {
    ref: 'C4',
    type: 'Story',
    summary: 'Guest checkout without creating an account',
    description:
      'As a new shopper, I want to pay without creating an account, so that I do not give up when asked for a password.',
    status: 'Done',
    epic: 'E-CART',
    reporter: 'admin',
    assignee: 'member',
    created: 130,
    points: 8,
    startedAgo: 110,
    doneAgo: 92,
    lens: {
      persona: 'new shopper',
      intent: 'pay without creating an account',
      benefit: 'I do not give up when asked for a password',
      expected: { ...EXPECT_DROP_OFF, target: 37, checkByIn: -60 },
      outcome: 'fewer-abandoned-carts',
      result: {
        verdict: 'validated',
        evidence: 'Drop-off 39.8% → 38.9% the month after; 22% of orders now come through guest checkout.',
        measuredValue: 38.9,
      },
    },
  },
  {
    ref: 'C5',
    type: 'Story',
    summary: 'Add a countdown timer banner at the top of the cart',
    description:
      'Red banner, full width, 20 minute timer. Use the existing banner component. Marketing wants it before the sale.',
    status: 'Done',
    epic: 'E-CART',
    reporter: 'member',
    assignee: 'member',
    created: 85,
    sprints: [1],
    points: 2,
    startedAgo: 44,
    doneAgo: 36,
    lens: {
      persona: 'shopper',
      intent: 'know how long sale prices are held in my cart',
      benefit: 'I finish the order before the price goes up',
      expected: { ...EXPECT_DROP_OFF, target: 38, checkByIn: -10 },
      outcome: 'fewer-abandoned-carts',
      result: {
        verdict: 'invalidated',
        evidence:
          'No change in drop-off during the sale (37.6% vs 37.4%); support tickets about "fake urgency" doubled.',
        measuredValue: 37.6,
      },
    },
  },
  {
    ref: 'C6',
    type: 'Story',
    summary: 'Remind shoppers by email about a cart they left',
    description:
      'As a shopper who got distracted, I want a reminder of what I left in my cart, so that I can pick up where I stopped.',
    status: 'In Review',
    epic: 'E-CART',
    reporter: 'admin',
    assignee: 'member',
    created: 35,
    touched: 1,
    sprints: [4],
    points: 5,
    startedAgo: 4,
    lens: {
      persona: 'shopper who got distracted',
      intent: 'get a reminder of what I left in my cart',
      benefit: 'I can pick up where I stopped',
      expected: { ...EXPECT_DROP_OFF, target: 35, checkByIn: 45 },
      outcome: 'fewer-abandoned-carts',
      kill: {
        condition: {
          text: 'Unsubscribe rate of the reminder above 2% after the first 10,000 emails',
          reviewIn: 30,
        },
      },
    },
    comments: [
      { by: 'member', ago: 1, text: 'Ready for review: template, send window and the opt-out link.' },
    ],
  },
  {
    ref: 'C7',
    type: 'Task',
    summary: 'Track cart drop-off per step in analytics',
    description: 'We cannot tell whether shoppers leave at the cart, the address or the payment step.',
    status: 'Done',
    epic: 'E-CART',
    reporter: 'member',
    assignee: 'member',
    created: 150,
    points: 3,
    startedAgo: 140,
    doneAgo: 128,
  },
  {
    ref: 'C8',
    type: 'Story',
    summary: 'Keep the cart across devices for signed-in shoppers',
    description: 'Shoppers start on the phone at lunch and finish on the laptop in the evening.',
    status: 'To Do',
    epic: 'E-CART',
    reporter: 'admin',
    created: 28,
    touched: 9,
  },
  {
    ref: 'C9',
    type: 'Story',
    summary: 'Offer a 10% coupon in an exit pop-up',
    description:
      'Implement a pop-up asking for the email on exit. Show a modal in the centre of the screen with an email field and a 10% coupon.',
    status: 'In Progress',
    epic: 'E-CART',
    reporter: 'member',
    assignee: 'member',
    created: 100,
    touched: 15,
    sprints: [0, 1, 2, 3, 4],
    startedAgo: 58,
    lens: {
      expected: { ...EXPECT_DROP_OFF, target: 38 },
      outcome: 'fewer-abandoned-carts',
      kill: { threshold: { metric: 'cart drop-off rate', comparison: 'atMost', value: 34, byIn: -10 } },
      writtenAgo: 58,
    },
    comments: [
      { by: 'member', ago: 47, text: 'Blocked: legal wants the coupon terms reviewed.' },
      { by: 'member', ago: 31, text: 'Still waiting on legal. Moving to the next sprint.' },
      { by: 'member', ago: 15, text: 'Carried again. Do we still want this?' },
    ],
  },
  {
    ref: 'C10',
    type: 'Bug',
    summary: 'Cart empties when a shopper signs in during checkout',
    description:
      'Steps: add two items as a guest, start checkout, sign in. Expected: items kept. Actual: cart is empty. Happens on iOS Safari only.',
    status: 'In Progress',
    epic: 'E-CART',
    reporter: 'member',
    assignee: 'member',
    created: 12,
    touched: 2,
    sprints: [4],
    priority: 'Highest',
    startedAgo: 3,
    comments: [
      { by: 'admin', ago: 11, text: 'Three complaints this week; this loses orders outright.' },
      { by: 'member', ago: 2, text: 'Found it: the merge runs before the session cookie is renewed.' },
    ],
  },
  {
    ref: 'C11',
    type: 'Bug',
    summary: 'Quantity stepper allows 0 items in the cart',
    status: 'To Do',
    epic: 'E-CART',
    reporter: 'member',
    created: 75,
    touched: 64,
    priority: 'Low',
  },
  {
    ref: 'C12',
    type: 'Story',
    summary: 'Explain out-of-stock items in the cart instead of removing them',
    description:
      'Shoppers come back to a cart and items are silently gone. They think the site lost their cart and leave.',
    status: 'To Do',
    epic: 'E-CART',
    reporter: 'admin',
    created: 20,
    touched: 5,
  },
  // ---- Epic: checkout ---------------------------------------------------------------------------------
  {
    ref: 'E-CHECKOUT',
    type: 'Epic',
    summary: 'Checkout without friction',
    description:
      'Checking out takes 95 seconds at the 75th percentile; the best shops in our segment take under a minute. Every extra field loses shoppers.',
    status: 'In Progress',
    reporter: 'admin',
    assignee: 'admin',
    created: 175,
    touched: 3,
    lens: {
      persona: 'returning shopper',
      intent: 'pay in a few taps',
      benefit: 'buying again feels effortless',
      expected: { ...EXPECT_CHECKOUT, checkByIn: 45 },
      outcome: 'faster-checkout',
    },
  },
  {
    ref: 'K1',
    type: 'Story',
    summary: 'Autocomplete the delivery address from the postcode',
    description:
      'As a shopper on a phone, I want the address filled in from my postcode, so that I do not type five fields on a small keyboard.',
    status: 'Done',
    epic: 'E-CHECKOUT',
    reporter: 'admin',
    assignee: 'member',
    created: 150,
    points: 5,
    startedAgo: 130,
    doneAgo: 112,
    lens: {
      persona: 'shopper on a phone',
      intent: 'have the address filled in from my postcode',
      benefit: 'I do not type five fields on a small keyboard',
      expected: { ...EXPECT_CHECKOUT, target: 85, checkByIn: -80 },
      outcome: 'faster-checkout',
      result: {
        verdict: 'validated',
        evidence: 'p75 checkout time 93 s → 88 s; address step time halved on mobile.',
        measuredValue: 88,
      },
    },
  },
  {
    ref: 'K2',
    type: 'Story',
    summary: 'Save cards for returning shoppers',
    description:
      'As a returning shopper, I want my card remembered, so that I can pay without fetching my wallet. We expect p75 checkout time to drop from 81 s to 72 s.',
    status: 'Done',
    epic: 'E-CHECKOUT',
    reporter: 'admin',
    assignee: 'member',
    created: 90,
    sprints: [1, 2],
    points: 8,
    startedAgo: 45,
    doneAgo: 22,
    lens: {
      persona: 'returning shopper',
      intent: 'have my card remembered',
      benefit: 'I can pay without fetching my wallet',
      expected: { ...EXPECT_CHECKOUT, baseline: 81, target: 72, checkByIn: -1 },
      outcome: 'faster-checkout',
      kill: { deadlineIn: -15 },
      result: {
        verdict: 'validated',
        evidence: 'p75 checkout time 77 s → 72 s within three weeks; 41% of returning shoppers saved a card.',
        measuredValue: 72,
      },
    },
  },
  {
    ref: 'K3',
    type: 'Story',
    summary: 'Pay with Apple Pay and Google Pay',
    description:
      'As a shopper on a phone, I want to pay with the wallet on my phone, so that I skip the card form altogether.',
    status: 'In Progress',
    epic: 'E-CHECKOUT',
    reporter: 'admin',
    assignee: 'member',
    created: 60,
    touched: 1,
    sprints: [3, 4],
    points: 8,
    startedAgo: 16,
    lens: {
      persona: 'shopper on a phone',
      intent: 'pay with the wallet on my phone',
      benefit: 'I skip the card form altogether',
      expected: { ...EXPECT_CHECKOUT, baseline: 72, target: 60, checkByIn: 40 },
      outcome: 'faster-checkout',
      kill: { maxSprintsCarried: 2, maxIdleDays: 21 },
    },
    comments: [{ by: 'member', ago: 1, text: 'Apple Pay domain verified on staging.' }],
  },
  {
    ref: 'K4',
    type: 'Story',
    summary: 'Make the Place Order button bigger and orange',
    description:
      'Increase the button to 56px and use the orange from the new brand guide. Move it above the fold.',
    status: 'To Do',
    epic: 'E-CHECKOUT',
    reporter: 'member',
    created: 45,
    touched: 20,
  },
  {
    ref: 'K5',
    type: 'Story',
    summary: 'One-page checkout',
    description:
      'As a shopper, I want to see delivery, payment and review on one page, so that I know how far I am from done.',
    status: 'To Do',
    epic: 'E-CHECKOUT',
    reporter: 'admin',
    created: 210,
    touched: 140,
    lens: {
      persona: 'shopper',
      intent: 'see delivery, payment and review on one page',
      benefit: 'I know how far I am from done',
      expected: { ...EXPECT_CHECKOUT, target: 65 },
      outcome: 'faster-checkout',
      kill: { deadlineIn: -12 },
      writtenAgo: 140,
    },
  },
  {
    ref: 'K6',
    type: 'Bug',
    summary: '3-D Secure pop-up times out on slow connections',
    description:
      'Shoppers on 3G see "payment failed" after 30 s while the bank page is still loading. Affects about 1% of card payments.',
    status: 'In Progress',
    epic: 'E-CHECKOUT',
    reporter: 'member',
    assignee: 'member',
    created: 18,
    touched: 4,
    sprints: [4],
    priority: 'High',
    startedAgo: 4,
  },
  {
    ref: 'K7',
    type: 'Task',
    summary: 'Measure checkout time per step in production',
    status: 'Done',
    epic: 'E-CHECKOUT',
    reporter: 'member',
    assignee: 'member',
    created: 172,
    startedAgo: 168,
    doneAgo: 160,
  },
  {
    ref: 'K8',
    type: 'Story',
    summary: 'Remember the last delivery address',
    description: 'Returning shoppers retype the same address every time.',
    status: 'In Progress',
    epic: 'E-CHECKOUT',
    reporter: 'admin',
    assignee: 'member',
    created: 25,
    touched: 6,
    sprints: [4],
    points: 3,
    startedAgo: 3,
  },
  {
    ref: 'K9',
    type: 'Story',
    summary: 'Let shoppers pay by invoice',
    description: 'Business buyers ask for invoice payment.',
    status: 'To Do',
    epic: 'E-CHECKOUT',
    reporter: 'admin',
    created: 115,
    touched: 100,
    lens: {
      persona: 'business buyer',
      intent: 'pay by invoice',
      benefit: 'I can order without a company card',
      outcome: 'faster-checkout',
      kill: {
        condition: { text: 'Fewer than 20 business accounts ask for it by the review', reviewIn: -7 },
      },
      writtenAgo: 100,
    },
  },
  {
    ref: 'K10',
    type: 'Bug',
    summary: 'Postcode lookup fails for addresses with a house name',
    status: 'To Do',
    epic: 'E-CHECKOUT',
    reporter: 'member',
    created: 70,
    touched: 50,
    priority: 'Medium',
  },
  {
    ref: 'K11',
    type: 'Task',
    summary: 'Upgrade the payment SDK to v5',
    description: 'v4 reaches end of support next quarter.',
    status: 'To Do',
    epic: 'E-CHECKOUT',
    reporter: 'member',
    created: 30,
    touched: 10,
    sprints: [5],
  },
  {
    ref: 'K12',
    type: 'Story',
    summary: 'Shorten the checkout form: drop the second phone number field',
    description:
      'As a shopper, I want to fill in only what the courier needs, so that checkout takes less time. Nobody has ever used the second phone number.',
    status: 'Done',
    epic: 'E-CHECKOUT',
    reporter: 'member',
    assignee: 'member',
    created: 65,
    sprints: [2],
    points: 1,
    startedAgo: 30,
    doneAgo: 26,
    lens: {
      persona: 'shopper',
      intent: 'fill in only what the courier needs',
      benefit: 'checkout takes less time',
      expected: { ...EXPECT_CHECKOUT, baseline: 77, target: 74, checkByIn: -5 },
      outcome: 'faster-checkout',
      result: {
        verdict: 'inconclusive',
        evidence: 'Released in the same week as saved cards; the two effects cannot be told apart.',
      },
    },
  },
  // ---- Epic: returning shoppers -------------------------------------------------------------------------
  {
    ref: 'E-RETURN',
    type: 'Epic',
    summary: 'Bring shoppers back',
    description:
      'Fewer than one in five shoppers buys again within 90 days. Shoppers who buy twice are worth four times as much over a year.',
    status: 'In Progress',
    reporter: 'admin',
    assignee: 'admin',
    created: 160,
    touched: 8,
    lens: {
      persona: 'past customer',
      intent: 'find a reason to come back',
      benefit: 'I get more of what I liked',
      expected: { ...EXPECT_RETURNS, checkByIn: 160 },
      outcome: 'more-returning-shoppers',
    },
  },
  {
    ref: 'R1',
    type: 'Story',
    summary: 'Wishlist with price-drop reminders',
    description:
      'As a shopper waiting for a better price, I want to be told when an item on my wishlist gets cheaper, so that I buy it then instead of forgetting it.',
    status: 'Done',
    epic: 'E-RETURN',
    reporter: 'admin',
    assignee: 'member',
    created: 110,
    sprints: [0],
    points: 8,
    startedAgo: 70,
    doneAgo: 58,
    lens: {
      persona: 'shopper waiting for a better price',
      intent: 'be told when an item on my wishlist gets cheaper',
      benefit: 'I buy it then instead of forgetting it',
      expected: { ...EXPECT_RETURNS, target: 20, checkByIn: -3 },
      outcome: 'more-returning-shoppers',
      result: {
        verdict: 'validated',
        evidence: 'Return rate 18.6% → 19.3%; reminder emails convert at 6%.',
        measuredValue: 19.3,
      },
    },
  },
  {
    ref: 'R2',
    type: 'Story',
    summary: 'Loyalty points on every order',
    description:
      'As a regular customer, I want points for what I buy, so that I have a reason to buy here rather than elsewhere.',
    status: 'To Do',
    epic: 'E-RETURN',
    reporter: 'admin',
    created: 140,
    touched: 95,
    lens: {
      persona: 'regular customer',
      intent: 'get points for what I buy',
      benefit: 'I have a reason to buy here rather than elsewhere',
      expected: { ...EXPECT_RETURNS, target: 23, checkByIn: 120 },
      outcome: 'more-returning-shoppers',
      kill: { maxIdleDays: 45 },
      writtenAgo: 95,
    },
  },
  {
    ref: 'R3',
    type: 'Story',
    summary: 'Build a recently viewed carousel on the home page',
    description: 'Add a horizontal carousel with 8 tiles below the hero banner. Grey background.',
    status: 'To Do',
    epic: 'E-RETURN',
    reporter: 'member',
    created: 38,
    touched: 12,
  },
  {
    ref: 'R4',
    type: 'Story',
    summary: 'Reorder a past order in one click',
    description:
      'As a customer who buys the same basics every month, I want to reorder a past order, so that my monthly shop takes a minute.',
    status: 'In Progress',
    epic: 'E-RETURN',
    reporter: 'admin',
    assignee: 'member',
    created: 33,
    touched: 2,
    sprints: [4],
    points: 5,
    startedAgo: 4,
    lens: {
      persona: 'customer who buys the same basics every month',
      intent: 'reorder a past order',
      benefit: 'my monthly shop takes a minute',
      expected: { ...EXPECT_RETURNS, baseline: 19.8, target: 21, checkByIn: 75 },
      outcome: 'more-returning-shoppers',
      kill: { deadlineIn: 80, maxIdleDays: 30 },
    },
  },
  {
    ref: 'R5',
    type: 'Story',
    summary: 'Personalised recommendations email',
    description: 'Send shoppers a weekly email with products picked for them.',
    status: 'To Do',
    epic: 'E-RETURN',
    reporter: 'member',
    created: 100,
    touched: 88,
  },
  {
    ref: 'R6',
    type: 'Story',
    summary: 'Birthday discount for signed-up customers',
    description: 'Marketing asked for it.',
    status: 'To Do',
    epic: 'E-RETURN',
    reporter: 'admin',
    created: 55,
    touched: 14,
    lens: {
      persona: 'signed-up customer',
      expected: { metric: '90-day return rate', checkByIn: 90 },
      writtenAgo: 14,
    },
  },
  {
    ref: 'R7',
    type: 'Bug',
    summary: 'Wishlist reminder links open an empty page on Android',
    status: 'To Do',
    epic: 'E-RETURN',
    reporter: 'member',
    created: 9,
    touched: 9,
    priority: 'High',
  },
  {
    ref: 'R8',
    type: 'Task',
    summary: 'Export customer segments to the email tool',
    status: 'Done',
    epic: 'E-RETURN',
    reporter: 'member',
    assignee: 'member',
    created: 80,
    startedAgo: 60,
    doneAgo: 52,
  },
  {
    ref: 'R9',
    type: 'Story',
    summary: 'Product reviews with photos',
    description:
      'As a shopper unsure about size and colour, I want to see photos from other buyers, so that I buy the right thing and do not return it.',
    status: 'To Do',
    epic: 'E-RETURN',
    reporter: 'admin',
    created: 26,
    touched: 4,
    lens: {
      persona: 'shopper unsure about size and colour',
      intent: 'see photos from other buyers',
      benefit: 'I buy the right thing and do not return it',
      writtenAgo: 4,
    },
  },
  // ---- Epic: search (delivered, outcome achieved) ---------------------------------------------------------
  {
    ref: 'E-SEARCH',
    type: 'Epic',
    summary: 'Search that finds',
    description:
      'One search in three ended on "no results". Shoppers who search are our most likely buyers, and we were sending them away.',
    status: 'Done',
    reporter: 'admin',
    assignee: 'admin',
    created: 220,
    doneAgo: 40,
    startedAgo: 200,
    lens: {
      persona: 'shopper who knows what they want',
      intent: 'find it by typing what I call it',
      benefit: 'I get to the product in one search',
      expected: {
        metric: 'search-to-basket rate',
        baseline: 12,
        target: 15,
        unit: '%',
        direction: 'increase',
        checkByIn: -20,
      },
      outcome: 'search-finds-it',
      result: {
        verdict: 'validated',
        evidence: 'Search-to-basket rate reached 15.3%; "no results" searches fell from 33% to 9%.',
        measuredValue: 15.3,
      },
    },
  },
  {
    ref: 'S1',
    type: 'Story',
    summary: 'Tolerate typos in search',
    description:
      'As a shopper typing on a phone, I want search to understand "sneekers", so that a typo does not end my visit.',
    status: 'Done',
    epic: 'E-SEARCH',
    reporter: 'admin',
    assignee: 'member',
    created: 200,
    startedAgo: 180,
    doneAgo: 145,
    lens: {
      persona: 'shopper typing on a phone',
      intent: 'have search understand typos',
      benefit: 'a typo does not end my visit',
      expected: {
        metric: 'search-to-basket rate',
        baseline: 12.4,
        target: 13,
        unit: '%',
        direction: 'increase',
        checkByIn: -120,
      },
      outcome: 'search-finds-it',
      result: {
        verdict: 'validated',
        evidence: 'Rate 12.4% → 13.1% in the month after.',
        measuredValue: 13.1,
      },
    },
  },
  {
    ref: 'S2',
    type: 'Story',
    summary: 'Synonyms for sizes and colours',
    status: 'Done',
    epic: 'E-SEARCH',
    reporter: 'admin',
    assignee: 'member',
    created: 120,
    sprints: [0],
    startedAgo: 62,
    doneAgo: 50,
  },
  {
    ref: 'S3',
    type: 'Task',
    summary: 'Reindex the catalogue nightly',
    status: 'Done',
    epic: 'E-SEARCH',
    reporter: 'member',
    assignee: 'member',
    created: 190,
    startedAgo: 185,
    doneAgo: 182,
  },
  {
    ref: 'S4',
    type: 'Story',
    summary: 'Put a search bar with a magnifier icon in the top left of every page',
    description: 'Make it 300px wide and grey. Use the icon from the design system.',
    status: 'Done',
    epic: 'E-SEARCH',
    reporter: 'member',
    assignee: 'member',
    created: 205,
    startedAgo: 190,
    doneAgo: 186,
  },
  {
    ref: 'S5',
    type: 'Bug',
    summary: 'Search returns discontinued products first',
    status: 'Done',
    epic: 'E-SEARCH',
    reporter: 'member',
    assignee: 'member',
    created: 160,
    startedAgo: 158,
    doneAgo: 150,
  },
  {
    ref: 'S6',
    type: 'Story',
    summary: 'Voice search',
    description: 'Competitors have it.',
    status: 'To Do',
    epic: 'E-SEARCH',
    reporter: 'member',
    created: 180,
    touched: 170,
  },
  // ---- Outside any epic ---------------------------------------------------------------------------------
  {
    ref: 'X1',
    type: 'Story',
    summary: 'Add a green "Buy now" button under the product image',
    description: 'Make it 48px tall and use the brand green. Put it directly below the gallery.',
    status: 'To Do',
    reporter: 'member',
    created: 22,
    touched: 22,
  },
  {
    ref: 'X2',
    type: 'Story',
    summary: 'Move the promo code field to the right sidebar',
    description: 'Put the field in the right column above the order total and make it smaller.',
    status: 'To Do',
    reporter: 'admin',
    created: 48,
    touched: 41,
  },
  {
    ref: 'X3',
    type: 'Story',
    summary: 'Shoppers cannot tell which sizes are in stock until they pick one',
    description:
      'Support gets 40 tickets a week asking whether a size will come back. Shoppers pick a size, see "sold out", and leave.',
    status: 'To Do',
    reporter: 'admin',
    created: 16,
    touched: 3,
  },
  {
    ref: 'X4',
    type: 'Story',
    summary: 'Returns are hard to start from the order page',
    description:
      'Customers email support to start a return because the link is buried. Each email costs us about four euros.',
    status: 'To Do',
    reporter: 'admin',
    created: 40,
    touched: 11,
  },
  {
    ref: 'X5',
    type: 'Story',
    summary: 'Gift wrapping option',
    description: 'Someone asked for it before Christmas.',
    status: 'To Do',
    reporter: 'admin',
    created: 330,
    touched: 300,
    priority: 'Low',
  },
  {
    ref: 'X6',
    type: 'Story',
    summary: 'Dark mode for the shop',
    status: 'To Do',
    reporter: 'member',
    created: 260,
    touched: 45,
    labels: ['nice-to-have'],
    comments: [{ by: 'member', ago: 45, text: 'Still think this would be cool.' }],
  },
  {
    ref: 'X7',
    type: 'Task',
    summary: 'Migrate product images to the new CDN',
    status: 'In Progress',
    reporter: 'member',
    assignee: 'member',
    created: 95,
    touched: 14,
    sprints: [0, 1, 2, 3, 4],
    startedAgo: 44,
    comments: [
      { by: 'member', ago: 14, text: 'Half of the catalogue is done; the rest needs a resize job.' },
    ],
  },
  {
    ref: 'X8',
    type: 'Bug',
    summary: 'Prices show three decimals in the Swiss shop',
    status: 'To Do',
    reporter: 'member',
    created: 140,
    touched: 110,
    priority: 'Low',
  },
  {
    ref: 'X9',
    type: 'Task',
    summary: 'Remove the old newsletter sign-up widget',
    description: 'Unused since the new email tool. Obsolete code that slows the page.',
    status: 'To Do',
    reporter: 'member',
    created: 60,
    touched: 7,
    sprints: [5],
  },
  {
    ref: 'X10',
    type: 'Story',
    summary: 'Live chat on product pages',
    description: 'Integrate the chat vendor widget in the bottom right corner.',
    status: 'To Do',
    reporter: 'admin',
    created: 200,
    touched: 100,
    lens: {
      intent: 'ask a question about a product before buying',
      kill: { deadlineIn: -30 },
      writtenAgo: 100,
    },
  },
  {
    ref: 'X11',
    type: 'Bug',
    summary: 'Order confirmation email shows the wrong delivery date on bank holidays',
    status: 'In Progress',
    reporter: 'member',
    assignee: 'member',
    created: 14,
    touched: 1,
    sprints: [4],
    priority: 'High',
    startedAgo: 2,
  },
  {
    ref: 'X12',
    type: 'Task',
    summary: 'Renew the TLS certificate for the image host',
    status: 'Done',
    reporter: 'member',
    assignee: 'member',
    created: 42,
    sprints: [2],
    startedAgo: 25,
    doneAgo: 24,
  },
  {
    ref: 'X13',
    type: 'Story',
    summary: 'Size guide that tells shoppers their size from their usual brand',
    description:
      'As a shopper buying shoes online, I want to know my size from the brand I usually wear, so that I do not order two sizes and send one back.',
    status: 'To Do',
    reporter: 'admin',
    created: 19,
    touched: 2,
    lens: {
      persona: 'shopper buying shoes online',
      intent: 'know my size from the brand I usually wear',
      benefit: 'I do not order two sizes and send one back',
      expected: {
        metric: 'size-related return rate',
        baseline: 24,
        target: 18,
        unit: '%',
        direction: 'decrease',
        checkByIn: 120,
      },
      kill: { deadlineIn: 120 },
      writtenAgo: 2,
    },
  },
  {
    ref: 'X14',
    type: 'Bug',
    summary: 'Newsletter footer overlaps the cookie banner on small screens',
    status: 'To Do',
    reporter: 'member',
    created: 120,
    touched: 70,
    priority: 'Low',
  },
  {
    ref: 'X15',
    type: 'Task',
    summary: 'Upgrade Node on the storefront servers',
    status: 'Done',
    reporter: 'member',
    assignee: 'member',
    created: 58,
    sprints: [1],
    startedAgo: 40,
    doneAgo: 35,
  },
  {
    ref: 'X16',
    type: 'Story',
    summary: 'Implement a product comparison table',
    description: 'Add a table with four columns and sticky headers. Use the grid component.',
    status: 'To Do',
    reporter: 'member',
    created: 95,
    touched: 70,
    lens: { writtenAgo: 70, kill: { maxIdleDays: 30 } },
  },
  {
    ref: 'X17',
    type: 'Bug',
    summary: 'Filters reset when going back from a product page',
    description:
      'Shoppers lose their filters and have to start over; 12% of sessions hit back after a product view.',
    status: 'In Review',
    reporter: 'member',
    assignee: 'member',
    created: 21,
    touched: 1,
    sprints: [4],
    startedAgo: 5,
  },
  {
    ref: 'X18',
    type: 'Task',
    summary: 'Write the accessibility statement',
    status: 'To Do',
    reporter: 'admin',
    created: 10,
    touched: 10,
  },
  {
    ref: 'X19',
    type: 'Story',
    summary: 'Free delivery threshold shown on the product page',
    description:
      'As a shopper close to free delivery, I want to see how much more I need to spend, so that I add one more item instead of paying for shipping.',
    status: 'To Do',
    reporter: 'admin',
    created: 7,
    touched: 1,
    lens: {
      persona: 'shopper close to free delivery',
      intent: 'see how much more I need to spend',
      benefit: 'I add one more item instead of paying for shipping',
      expected: {
        metric: 'average order value',
        baseline: 48,
        target: 52,
        unit: 'EUR',
        direction: 'increase',
        checkByIn: 90,
      },
      writtenAgo: 1,
    },
  },
  {
    ref: 'X20',
    type: 'Story',
    summary: 'Instagram shop integration',
    status: 'To Do',
    reporter: 'admin',
    created: 300,
    touched: 280,
  },
  {
    ref: 'X21',
    type: 'Bug',
    summary: 'Checkout page title says "Cart" on the payment step',
    status: 'Done',
    reporter: 'member',
    assignee: 'member',
    created: 50,
    sprints: [2],
    startedAgo: 28,
    doneAgo: 27,
  },
  {
    ref: 'X22',
    type: 'Task',
    summary: 'Document the release checklist',
    status: 'In Progress',
    reporter: 'member',
    assignee: 'member',
    created: 12,
    touched: 5,
    sprints: [4],
    startedAgo: 5,
  },
  {
    ref: 'X23',
    type: 'Story',
    summary: 'Show delivery date estimates on the product page',
    description:
      'Shoppers who need something by a date cannot tell whether it will arrive in time, so they buy elsewhere.',
    status: 'To Do',
    reporter: 'admin',
    created: 24,
    touched: 24,
    labels: ['keep-alive'],
  },
  {
    ref: 'X24',
    type: 'Story',
    summary: 'Replace the home page hero slider with a static banner',
    description: 'Use a single full-width image at the top of the page. Remove the slider script.',
    status: 'Done',
    reporter: 'member',
    assignee: 'member',
    created: 70,
    sprints: [1],
    startedAgo: 42,
    doneAgo: 38,
  },
  {
    ref: 'X25',
    type: 'Task',
    summary: 'Set up error budget alerts for checkout',
    status: 'To Do',
    reporter: 'member',
    created: 6,
    touched: 6,
    sprints: [5],
  },
  {
    ref: 'X26',
    type: 'Bug',
    summary: 'Gift card balance check ignores the last digit',
    status: 'To Do',
    reporter: 'member',
    created: 3,
    touched: 3,
    priority: 'High',
  },
];
