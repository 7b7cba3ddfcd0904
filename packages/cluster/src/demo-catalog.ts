import type { CreateProduct } from '@ecomm/contracts';

interface CategoryPlan {
  category: string;
  items: string[];
  /** Lowest and highest price in dollars; prices fall on round steps so some products share one. */
  priceRange: [number, number];
  step: number;
  describe: (name: string, brand: string) => string;
}

const brands = ['Northwind', 'Acme', 'Lumen', 'Vertex', 'Orchid', 'Halcyon'];

const plans: CategoryPlan[] = [
  {
    category: 'Laptops',
    items: [
      'Ultrabook 13',
      'Ultrabook 15',
      'Gaming Laptop',
      'Chromebook',
      'Workstation 16',
      'Convertible 14',
      'Budget Laptop 15',
      'Creator Laptop 14',
    ],
    priceRange: [299, 2499],
    step: 100,
    describe: (name, brand) =>
      `${brand} ${name}: a laptop with an all-day battery, a bright display and a comfortable backlit keyboard.`,
  },
  {
    category: 'Phones',
    items: [
      'Phone Mini',
      'Phone Pro',
      'Phone Max',
      'Phone Lite',
      'Foldable Phone',
      'Rugged Phone',
      'Phone SE',
      'Phone Plus',
    ],
    priceRange: [199, 1399],
    step: 50,
    describe: (name, brand) =>
      `${brand} ${name}: an unlocked smartphone with a sharp camera, 5G and two days of standby.`,
  },
  {
    category: 'Audio',
    items: [
      'Wireless Earbuds',
      'Over-Ear Headphones',
      'Bluetooth Speaker',
      'Soundbar',
      'Studio Monitors',
      'Noise-Cancelling Headphones',
      'Portable Radio',
      'USB Microphone',
      'Turntable',
    ],
    priceRange: [29, 499],
    step: 10,
    describe: (name, brand) => `${brand} ${name}: clear, balanced sound with simple pairing and a one-year warranty.`,
  },
  {
    category: 'Home',
    items: [
      'Coffee Maker',
      'Espresso Machine',
      'Electric Kettle',
      'Toaster',
      'Blender',
      'Air Fryer',
      'Robot Vacuum',
      'Desk Lamp',
      'Air Purifier',
    ],
    priceRange: [19, 599],
    step: 10,
    describe: (name, brand) =>
      `${brand} ${name}: dependable, easy to clean and sized for a small kitchen or home office.`,
  },
  {
    category: 'Office',
    items: [
      'Ergonomic Chair',
      'Standing Desk',
      'Mechanical Keyboard',
      'Wireless Mouse',
      '27-inch Monitor',
      'Webcam',
      'Laptop Stand',
      'Docking Station',
      'Notebook Pack',
    ],
    priceRange: [9, 799],
    step: 10,
    describe: (name, brand) => `${brand} ${name}: built for long working days, with a three-year warranty.`,
  },
  {
    category: 'Books',
    items: [
      'Cookbook',
      'Science Fiction Novel',
      'Mystery Novel',
      'Programming Guide',
      'Travel Atlas',
      'History of Computing',
      'Poetry Collection',
      "Children's Picture Book",
    ],
    priceRange: [9, 59],
    step: 5,
    describe: (name, brand) =>
      `${name} from ${brand} Press: a hardcover edition, well bound and printed on recycled paper.`,
  },
  {
    category: 'Sports',
    items: [
      'Yoga Mat',
      'Running Shoes',
      'Dumbbell Set',
      'Road Bike Helmet',
      'Tennis Racket',
      'Hiking Backpack',
      'Water Bottle',
      'Fitness Tracker',
    ],
    priceRange: [15, 349],
    step: 5,
    describe: (name, brand) => `${brand} ${name}: light, durable and tested by athletes.`,
  },
  {
    category: 'Toys',
    items: [
      'Building Blocks Set',
      'Puzzle 1000 Pieces',
      'Board Game',
      'Remote Control Car',
      'Plush Bear',
      'Science Kit',
      'Wooden Train Set',
    ],
    priceRange: [12, 149],
    step: 5,
    describe: (name, brand) => `${brand} ${name}: safety tested, for ages 6 and up, and fun for the whole family.`,
  },
];

/** A small seeded generator (mulberry32): the same catalog on every machine and every run. */
function seededRandom(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The demo catalog `pnpm start` seeds into an empty shop and `pnpm seed` restores: 66 products across 8 categories.
 * Prices end in .99 on round steps, so several products share a price (ties the agent must handle).
 */
export function demoCatalog(): CreateProduct[] {
  const random = seededRandom(20_240_601);
  return plans.flatMap((plan) =>
    plan.items.map((item) => {
      const brand = brands[Math.floor(random() * brands.length)] as string;
      const [low, high] = plan.priceRange;
      const steps = Math.floor((high - low) / plan.step);
      const price = low + Math.floor(random() * (steps + 1)) * plan.step + 0.99;
      const stock = 5 + Math.floor(random() * 60);
      return {
        name: `${brand} ${item}`,
        category: plan.category,
        description: plan.describe(item, brand),
        price: Number(price.toFixed(2)),
        stock,
      };
    }),
  );
}
