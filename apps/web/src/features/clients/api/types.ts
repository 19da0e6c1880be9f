// Client and contact shapes as the API returns them (plugins/core/src/schemas/{clients,contacts}.ts).

export interface Client {
  id: string;
  name: string;
  domains: string[];
  createdAt: string;
  updatedAt: string;
}

export interface ClientInput {
  name: string;
  domains: string[];
}

export interface ClientListFilters {
  search: string;
  limit: number;
  offset: number;
}

/** A contact as shown on its client's page. */
export interface ClientContact {
  id: string;
  clientId: string;
  fullName: string;
  email: string | null;
  phone: string | null;
  jobTitle: string | null;
  isInactive: boolean;
}

/** Empty optional fields are sent as null, which the API stores as "not set" (and clears on PATCH). */
export interface ClientContactInput {
  fullName: string;
  email: string | null;
  phone: string | null;
  jobTitle: string | null;
  isInactive: boolean;
}

export interface Page<T> {
  items: T[];
  total: number;
}
