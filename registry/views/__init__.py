"""Agency portal pages. Every view: access helper -> form -> service -> redirect/render."""
