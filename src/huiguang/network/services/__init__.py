"""Writes about the network, one module per area; each change is audited.

- `organizations`: registration (console or a volunteer's application), edits, decisions, status;
- `regions`: name and population;
- `sites`: service sites (阵地);
- `memberships`: applications, decisions, leaving, member roles;
- `grants`: role grants (the roles console) and the organization roles that memberships carry.

Who may do what is asked of permissions.py and scope.py; reads come from selectors.py.
"""
