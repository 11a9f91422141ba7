{#
  rounding_tolerance(rounded_to, n_parts): the largest difference rounding alone can make between a
  printed total and the sum of its n_parts printed parts, when every printed cell (parts and total) is
  rounded to the nearest rounded_to: each of the n_parts + 1 cells is off by at most rounded_to / 2, so
  |total - sum(parts)| <= rounded_to / 2 * (n_parts + 1). A larger difference is a printed-total
  discrepancy (e.g. OHSS FY2019 MPP book-outs: Total 44,250 against 44,100 over seven printed months,
  tolerance 40). With no rounding (rounded_to NULL or 0) the tolerance is 0.
#}
{% macro rounding_tolerance(rounded_to, n_parts) -%}
    (coalesce({{ rounded_to }}, 0) / 2.0 * ({{ n_parts }} + 1))
{%- endmacro %}
