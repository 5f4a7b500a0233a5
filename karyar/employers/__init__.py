"""The employer side of job placement: employers and the openings they post, staff review, publication.

`store` registers employers and their openings and tells an employer how each is doing; `review` is the
staff's side (pending openings of their organisation and province; approve, edit, reject), `publish` puts
approved openings in the catalogue search reads and takes the others out, `values` checks what is typed,
`offers` renders what the organisations offer employers (from the policy files).
"""
