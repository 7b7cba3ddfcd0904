/**
 * The catalog every eval case (and the system tests) starts from. It is shaped to test the agents: a single
 * cheapest product (Keychain), a price tie (the two balls), an expensive item with little stock (MacBook Pro).
 */
export const catalogFixture = [
  { name: 'MacBook Pro', price: 2000, stock: 10, category: 'laptops', description: 'Apple laptop with M-series chip' },
  {
    name: 'Yonex Astrox 99 Badminton Racket',
    price: 200,
    stock: 10,
    category: 'rackets',
    description: 'Head-heavy racket',
  },
  { name: 'Tennis Ball', price: 5, stock: 50, category: 'balls', description: 'Pressurised tennis ball' },
  { name: 'Golf Ball', price: 5, stock: 50, category: 'balls', description: 'Two-piece golf ball' },
  { name: 'Keychain', price: 2, stock: 100, category: 'accessories', description: 'Metal keychain' },
  { name: 'Water Bottle', price: 10, stock: 20, category: 'accessories', description: 'Insulated steel bottle' },
] as const;

export type FixtureProductName = (typeof catalogFixture)[number]['name'];

export const fixtureProductNames = catalogFixture.map((product) => product.name) as [
  FixtureProductName,
  ...FixtureProductName[],
];
