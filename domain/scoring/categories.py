from enum import StrEnum


class Category(StrEnum):
    HUMANITY = "HUMANITY"
    AUTHENTICITY = "AUTHENTICITY"
    UNIQUENESS = "UNIQUENESS"
    BEHAVIOR = "BEHAVIOR"


# The dashboard's order, and the contract's recommended order for score arrays.
ORDER: tuple[Category, ...] = (Category.HUMANITY, Category.AUTHENTICITY, Category.UNIQUENESS, Category.BEHAVIOR)
