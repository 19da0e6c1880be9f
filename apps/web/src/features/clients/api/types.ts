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

export interface Page<T> {
  items: T[];
  total: number;
}
