import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Product } from '@ecomm/contracts';
import { api, ApiError, formatMoney } from './api';

const restockBy = 10;
/** A price as the console shows one, or bare: "$1,299.00", "1299", "19.9"; commas only between groups of three, cents. */
const typedPrice = /^\$?(\d{1,3}(,\d{3})+|\d+)?(\.\d{1,2})?$/;

/** The catalog through the product service's own rules: create, change price or stock, restock, delete. */
export function CatalogAdmin() {
  const [products, setProducts] = useState<Product[]>([]);
  const [query, setQuery] = useState('');
  const [notice, setNotice] = useState<string>();
  const [draft, setDraft] = useState({ name: '', price: '', stock: '', category: '' });

  const load = useCallback(() => {
    void api<{ items: Product[] }>(
      `/admin/products?limit=100${query ? `&query=${encodeURIComponent(query)}` : ''}`,
    ).then(
      (page) => setProducts(page.items),
      () => undefined,
    );
  }, [query]);
  useEffect(load, [load]);

  async function run(action: () => Promise<unknown>, done: string) {
    try {
      await action();
      setNotice(done);
      load();
    } catch (error) {
      setNotice(error instanceof ApiError ? error.message : 'That did not work.');
    }
  }

  function create(event: FormEvent) {
    event.preventDefault();
    const body = {
      name: draft.name,
      price: Number(draft.price),
      stock: Number(draft.stock),
      ...(draft.category ? { category: draft.category } : {}),
    };
    void run(() => api('/admin/products', { method: 'POST', body }), `Created ${draft.name}.`).then(() =>
      setDraft({ name: '', price: '', stock: '', category: '' }),
    );
  }

  const changePrice = (product: Product) => {
    const answer = window.prompt(`New price for ${product.name}`, String(product.price));
    if (!answer) return;
    // Typed as it is shown ("$1,299.00") or bare; anything else would reach the API as null. Number() alone also reads
    // "0x10" as 16, "1e3" as 1000 and, once the commas are dropped, "1,2,3" as 123, and the API would refuse "12.345"
    // naming its field (body.price): only a price's own form is read.
    const typed = answer.trim();
    const price = typedPrice.test(typed) ? Number(typed.replace(/^\$/, '').replaceAll(',', '')) : NaN;
    if (!Number.isFinite(price) || price <= 0) {
      setNotice(`"${answer}" is not a price: type an amount such as 19.99.`);
      return;
    }
    void run(
      () => api(`/admin/products/${product.id}`, { method: 'PATCH', body: { price } }),
      `${product.name} now costs ${formatMoney(price)}.`,
    );
  };

  return (
    <section className="card" aria-labelledby="catalog-title">
      <h2 id="catalog-title">Catalog</h2>
      <form className="grid-form" onSubmit={create} aria-label="New product">
        <label>
          Name
          <input required value={draft.name} onChange={(event) => setDraft({ ...draft, name: event.target.value })} />
        </label>
        <label>
          Price
          <input
            required
            type="number"
            min="0.01"
            step="0.01"
            value={draft.price}
            onChange={(event) => setDraft({ ...draft, price: event.target.value })}
          />
        </label>
        <label>
          Stock
          <input
            required
            type="number"
            min="0"
            step="1"
            value={draft.stock}
            onChange={(event) => setDraft({ ...draft, stock: event.target.value })}
          />
        </label>
        <label>
          Category
          <input value={draft.category} onChange={(event) => setDraft({ ...draft, category: event.target.value })} />
        </label>
        <button type="submit">Create product</button>
      </form>
      <label htmlFor="catalog-search">Search</label>
      <input id="catalog-search" type="search" value={query} onChange={(event) => setQuery(event.target.value)} />
      {notice && <p role="status">{notice}</p>}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Category</th>
              <th>Price</th>
              <th>Stock</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {products.map((product) => (
              <tr key={product.id}>
                <td>{product.name}</td>
                <td>{product.category ?? '—'}</td>
                <td>{formatMoney(product.price)}</td>
                <td>{product.stock}</td>
                <td className="actions">
                  <button
                    className="secondary"
                    onClick={() => changePrice(product)}
                    aria-label={`Edit the price of ${product.name}`}
                  >
                    Edit price
                  </button>
                  <button
                    className="secondary"
                    onClick={() =>
                      void run(
                        () =>
                          api(`/admin/products/${product.id}`, {
                            method: 'PATCH',
                            body: { stock: product.stock + restockBy },
                          }),
                        `Restocked ${product.name}.`,
                      )
                    }
                    aria-label={`Restock ${product.name} by ${restockBy}`}
                  >
                    +{restockBy}
                  </button>
                  <button
                    className="danger"
                    onClick={() =>
                      window.confirm(`Delete ${product.name}?`) &&
                      void run(
                        () => api(`/admin/products/${product.id}`, { method: 'DELETE' }),
                        `Deleted ${product.name}.`,
                      )
                    }
                    aria-label={`Delete ${product.name}`}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
